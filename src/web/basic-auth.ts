import { createHmac, randomBytes } from 'node:crypto';
import type { Secret } from '../config/secret.js';
import { createPasswordPool, type PasswordPool } from './password-pool.js';

// HTTP Basic authentication against bcrypt hashes, as the exporter-toolkit does it, hardened against
// a flood of guesses: only verified credentials are remembered (so wrong ones can never push a
// scraper's out), remembered ones are let in at once (never behind a check), checks run in worker
// threads with a bounded queue (password-pool.ts), and a failed check takes as long whichever user
// it names, so response times do not tell which users exist.

export interface Credentials {
  readonly user: string;
  readonly password: string;
}

/** `Basic base64(user:password)`, the scheme name in any case; undefined for anything else. */
export function parseBasicAuth(header: string | undefined): Credentials | undefined {
  const match = /^basic ([A-Za-z0-9+/=]+)$/i.exec(header ?? '');
  if (match === null) return undefined;
  const decoded = Buffer.from(match[1] ?? '', 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export type Users = ReadonlyMap<string, Secret>;

/** What a check found; `busy` and `failed` mean the password was not compared. */
export type CheckResult =
  | { readonly kind: 'valid' }
  | { readonly kind: 'invalid' }
  | { readonly kind: 'busy' }
  | { readonly kind: 'failed'; readonly reason: string };

export interface PasswordChecker {
  /** Whether these credentials were verified before: answered from memory at once, no bcrypt. */
  verified(users: Users, given: Credentials): boolean;
  /** Compares with bcrypt; remembers the credentials when they are right. */
  check(users: Users, given: Credentials): Promise<CheckResult>;
  close(): Promise<void>;
}

/** The toolkit keeps 100 answers; here only right ones, and a scraper has one user/password pair. */
const CACHE_SIZE = 100;

/**
 * A bcrypt hash of a random password. Its cost is replaced by the highest cost configured, so
 * checking an unknown user takes as long as checking the costliest known one.
 */
const UNKNOWN_USER_HASH = '$2b$10$.YwrcrOET0rGXvUaHq6zAOqnjCk3rMXpussKkdXas7dKbWtLeH1Su';

export interface CheckerOptions {
  readonly cacheSize?: number;
  /** Where passwords are compared with hashes; worker threads unless a test says otherwise. */
  readonly pool?: PasswordPool;
}

export function createPasswordChecker(options: CheckerOptions = {}): PasswordChecker {
  const { cacheSize = CACHE_SIZE } = options;
  const pool = options.pool ?? createPasswordPool();
  // Keys are keyed digests, so memory holds no password (unlike the toolkit's cache).
  const digestKey = randomBytes(32);
  const keyOf = (user: string, hash: string, password: string): string =>
    createHmac('sha256', digestKey)
      .update(JSON.stringify([user, hash, password]))
      .digest('base64');
  const verified = new Map<string, true>();
  // Concurrent checks of the same credentials share one bcrypt.
  const inFlight = new Map<string, Promise<CheckResult>>();

  const remember = (key: string): void => {
    if (verified.size >= cacheSize) verified.delete(verified.keys().next().value ?? '');
    verified.set(key, true);
  };

  const run = async (users: Users, given: Credentials, hash: string, key: string): Promise<CheckResult> => {
    // bcrypt's work doubles with each step of cost: a failure against a cheaper hash is held by
    // the pool until it has taken as long as one against the costliest, so all failures look alike.
    const failureScale = 2 ** (highestCost(users) - costOf(hash));
    const result = await pool.compare(given.password, hash, failureScale);
    if (result.kind !== 'compared') return result;
    if (!result.matches || !users.has(given.user)) return { kind: 'invalid' };
    remember(key);
    return { kind: 'valid' };
  };

  return {
    verified(users, { user, password }) {
      const hash = users.get(user)?.reveal();
      const key = hash === undefined ? undefined : keyOf(user, hash, password);
      if (key === undefined || !verified.delete(key)) return false;
      verified.set(key, true); // re-inserted: the least recently used goes first
      return true;
    },
    check(users, given) {
      const hash = users.get(given.user)?.reveal() ?? unknownUserHash(users);
      const key = keyOf(given.user, hash, given.password);
      const pending = inFlight.get(key);
      if (pending !== undefined) return pending;
      const checking = run(users, given, hash, key).finally(() => inFlight.delete(key));
      inFlight.set(key, checking);
      return checking;
    },
    close: () => pool.close(),
  };
}

const costOf = (hash: string): number => Number(hash.slice(4, 6));

function highestCost(users: Users): number {
  let cost = 4;
  for (const hash of users.values()) cost = Math.max(cost, costOf(hash.reveal()));
  return cost;
}

function unknownUserHash(users: Users): string {
  const cost = String(highestCost(users)).padStart(2, '0');
  return `${UNKNOWN_USER_HASH.slice(0, 4)}${cost}${UNKNOWN_USER_HASH.slice(6)}`;
}
