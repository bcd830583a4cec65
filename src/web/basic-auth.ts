import { createHmac, randomBytes } from 'node:crypto';
import bcrypt from 'bcryptjs';
import type { Secret } from '../config/secret.js';

// HTTP Basic authentication against bcrypt hashes, as the exporter-toolkit does it: verified
// answers are cached (bcrypt costs ~100 ms per check at cost 10, too much for every scrape), one
// bcrypt runs at a time, and an unknown user costs a bcrypt too, so timing does not reveal names.

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

export type PasswordChecker = (users: ReadonlyMap<string, Secret>, given: Credentials) => Promise<boolean>;

/** The toolkit keeps 100 answers; a scraper's one user/password pair stays among the recent ones. */
const CACHE_SIZE = 100;

/**
 * A bcrypt hash of a random password. Its cost is replaced by the highest cost configured, so
 * checking an unknown user takes as long as checking a known one.
 */
const UNKNOWN_USER_HASH = '$2b$10$.YwrcrOET0rGXvUaHq6zAOqnjCk3rMXpussKkdXas7dKbWtLeH1Su';

export interface CheckerOptions {
  readonly cacheSize?: number;
  /** bcrypt's compare; bcryptjs' unless a test wants to count the calls. */
  readonly compare?: (password: string, hash: string) => Promise<boolean>;
}

export function createPasswordChecker(options: CheckerOptions = {}): PasswordChecker {
  const { cacheSize = CACHE_SIZE, compare = bcrypt.compare } = options;
  // Cache keys are keyed digests, so the cache holds no password (unlike the toolkit's).
  const cacheKey = randomBytes(32);
  const cache = new Map<string, boolean>();
  let queue: Promise<unknown> = Promise.resolve();

  const compareOneAtATime = (password: string, hash: string): Promise<boolean> => {
    const run = queue.then(() => compare(password, hash)).catch(() => false);
    queue = run;
    return run;
  };

  return async (users, { user, password }) => {
    const known = users.get(user);
    const hash = known?.reveal() ?? unknownUserHash(users);
    const key = createHmac('sha256', cacheKey)
      .update(JSON.stringify([user, hash, password]))
      .digest('base64');
    let matches = cache.get(key);
    if (matches === undefined) {
      matches = await compareOneAtATime(password, hash);
      if (cache.size >= cacheSize) cache.delete(cache.keys().next().value ?? '');
    } else {
      cache.delete(key); // re-inserted below: the least recently used answer goes first
    }
    cache.set(key, matches);
    return matches && known !== undefined;
  };
}

function unknownUserHash(users: ReadonlyMap<string, Secret>): string {
  let cost = 4;
  for (const hash of users.values()) cost = Math.max(cost, Number(hash.reveal().slice(4, 6)));
  return `${UNKNOWN_USER_HASH.slice(0, 4)}${String(cost).padStart(2, '0')}${UNKNOWN_USER_HASH.slice(6)}`;
}
