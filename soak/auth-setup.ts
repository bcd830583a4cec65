// What `--auth-flood` and `--login-timing` run: the built exporter (and, for the flood, the simulator
// with a few healthy orders) behind a web config with basic auth, in a temp dir.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { describeMachine, describeRevision } from '../bench/machine.js';
import { serveExporter, serveSimulator, type Serving } from '../test/support/process.js';

export interface User {
  readonly name: string;
  readonly password: string;
  readonly cost: number;
}

/** A user with a random password, hashed at `cost`. */
export function makeUser(name: string, cost: number): User {
  return { name, password: randomBytes(12).toString('hex'), cost };
}

export interface AuthServing {
  readonly exporter: Serving;
  stop(): Promise<void>;
}

const KEY_ID = 'LTAIauthFloodKey01';
const KEY_SECRET = 'auth-flood-secret-not-real';
const ORDERS = [1, 2, 3, 4, 5];

/**
 * Starts the exporter with `users` in its web config. With `withOrders`, it follows five running
 * orders of a simulator, so a scrape asks DMS as a real one does; without, it follows none. `track`
 * is told of each process started, so an overrun can end it.
 */
export async function serveWithUsers(
  users: readonly User[],
  withOrders: boolean,
  track: (program: Serving) => void,
): Promise<AuthServing> {
  const dir = await mkdtemp(join(tmpdir(), 'soak-auth-'));
  const started: Serving[] = [];
  const stop = async () => {
    for (const program of started.reverse()) await program.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const hashes = users.map((user) => `  ${user.name}: '${bcrypt.hashSync(user.password, user.cost)}'`);
    await writeFile(join(dir, 'web.yml'), `basic_auth_users:\n${hashes.join('\n')}\n`);
    let config = 'orders: []\n';
    if (withOrders) {
      const running = ORDERS.map((id) => `  - { id: ${id}, list: 1h, download: 1h, filter: 1h }`);
      const scenario = `credentials:\n  - { access_key_id: ${KEY_ID}, access_key_secret: ${KEY_SECRET} }\norders:\n${running.join('\n')}\n`;
      await writeFile(join(dir, 'scenario.yaml'), scenario);
      const simulator = await serveSimulator(join(dir, 'scenario.yaml'));
      started.push(simulator);
      track(simulator);
      config = `profiles:
  default:
    endpoint: '${simulator.url.replace('http://', '')}'
    protocol: http
    access_key_id: ${KEY_ID}
    access_key_secret: ${KEY_SECRET}
orders:
${ORDERS.map((id) => `  - { id: ${id} }`).join('\n')}
`;
    }
    await writeFile(join(dir, 'config.yaml'), config);
    const exporter = await serveExporter([
      `--config.file=${join(dir, 'config.yaml')}`,
      `--web.config.file=${join(dir, 'web.yml')}`,
    ]);
    started.push(exporter);
    track(exporter);
    return { exporter, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Writes a run's results as JSON, with when, where and from which revision they were taken. */
export async function writeRunJson(path: string, settings: object, results: object): Promise<void> {
  const json = {
    date: new Date().toISOString(),
    machine: describeMachine(),
    revision: describeRevision(),
    settings,
    ...results,
  };
  await writeFile(path, `${JSON.stringify(json, null, 2)}\n`);
}
