import { RATE_LIMIT_ERROR } from '../collector/calls.js';
import type { Semaphore, Ticket, TokenBucket } from '../collector/gates.js';
import { DEADLINE_ERROR, type DmsError } from '../dms/types.js';
import type { Clock } from '../util/clock.js';
import { err, type Result } from '../util/result.js';

/**
 * One DMS call made the way scrapes make theirs: through the profile's rate limit and a process-wide
 * slot, and given up (waiting or running) at `deadlineMs`.
 */
export async function gatedCall<T>(
  gates: { readonly bucket: TokenBucket | undefined; readonly slots: Semaphore },
  deadlineMs: number,
  clock: Clock,
  call: (options: { signal: AbortSignal; timeoutMs: number }) => Promise<Result<T, DmsError>>,
): Promise<Result<T, DmsError>> {
  const wait = async (ticket: Ticket): Promise<boolean> => {
    const cancel = clock.after(Math.max(0, deadlineMs - clock.now()), () => ticket.withdraw());
    const granted = await ticket.granted;
    cancel();
    return granted;
  };
  if (clock.now() >= deadlineMs) return err(DEADLINE_ERROR);
  if (gates.bucket !== undefined && !(await wait(gates.bucket.take()))) return err(RATE_LIMIT_ERROR);
  if (!(await wait(gates.slots.acquire()))) return err(DEADLINE_ERROR);
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
