// The worker thread of password-pool.ts: compares one password with one bcrypt hash at a time and
// posts whether they match and how long the comparison took.
import { parentPort } from 'node:worker_threads';
import bcrypt from 'bcryptjs';

const field = (message: unknown, key: string): unknown =>
  typeof message === 'object' && message !== null ? Reflect.get(message, key) : undefined;

parentPort?.on('message', (message: unknown) => {
  const password = field(message, 'password');
  const hash = field(message, 'hash');
  const started = performance.now();
  let matches = false;
  try {
    matches = typeof password === 'string' && typeof hash === 'string' && bcrypt.compareSync(password, hash);
  } catch {
    // A hash bcryptjs cannot read matches nothing; the schema lets none through.
  }
  parentPort?.postMessage({ matches, ms: performance.now() - started });
});
