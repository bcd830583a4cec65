import { err, type Result } from 'yaml-files';
import { enterGates, type Gates, type Ticket } from '../collector/gates.js';
import { DEADLINE_ERROR, type DmsError } from '../dms/types.js';
import type { Clock } from '../util/clock.js';

/**
 * One DMS call made the way scrapes make theirs: through the profile's rate limit and a process-wide
 * slot, and given up (waiting or running) at `deadlineMs`.
 */
export async function gatedCall<T>(
  gates: Gates,
  deadlineMs: number,
  clock: Clock,
  onRateLimitWaited: (seconds: number) => void,
  call: (options: { signal: AbortSignal; timeoutMs: number }) => Promise<Result<T, DmsError>>,
): Promise<Result<T, DmsError>> {
  const wait = async (ticket: Ticket): Promise<boolean> => {
    const cancel = clock.after(Math.max(0, deadlineMs - clock.now()), () => ticket.withdraw());
    const granted = await ticket.granted;
    cancel();
    return granted;
  };
  if (clock.now() >= deadlineMs) return err(DEADLINE_ERROR);
  const refused = await enterGates(gates, clock, wait, onRateLimitWaited);
  if (refused !== undefined) return err(refused);
  const controller = new AbortController();
  const remaining = Math.max(1, deadlineMs - clock.now());
  const cancel = clock.after(remaining, () => controller.abort());
  try {
    return await call({ signal: controller.signal, timeoutMs: remaining });
  } finally {
    cancel();
    gates.slots.release();
  }
}
