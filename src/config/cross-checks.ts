import { formatDuration, type Problem, type Result } from 'yaml-files/basics';
import { DEFAULT_PROFILE_NAME } from './constants.js';
import { orderShape, profileShape, scrapeShape } from './schema.js';

// Rules that span keys, run on the plain file contents after (and whatever the result of) the
// schema: a wrong field elsewhere must not hide a duplicate id or a missing secret. Each rule reads
// only values that are valid on their own, so it never repeats a problem the schema reports.

type Plain = Readonly<Record<string, unknown>>;

/** Reads a file named in the config (relative paths resolved by the caller); an error is its reason. */
export type SecretFileReader = (path: string) => Result<string, string>;

/**
 * One rule across keys: its id (the name of its fixture in test/fixtures/config/bad) and its check
 * of the whole file's plain contents.
 */
export interface CrossKeyRule {
  readonly id: string;
  check(top: Plain, readSecretFile: SecretFileReader): Problem[];
}

const SECRET_FILE_KEYS = ['access_key_secret_file', 'security_token_file', 'proxy_password_file'] as const;

export const CROSS_KEY_RULES: readonly CrossKeyRule[] = [
  { id: 'secret-and-secret-file', check: eachProfile(notBoth('access_key_secret')) },
  { id: 'security-token-and-file', check: eachProfile(notBoth('security_token')) },
  {
    id: 'access-key-id-without-secret',
    check: eachProfile((p, say) => {
      if (has(p, 'access_key_id') && secretKey(p) === undefined)
        say('access_key_id', 'needs access_key_secret or access_key_secret_file');
    }),
  },
  {
    id: 'secret-without-id',
    check: eachProfile((p, say) => {
      const key = secretKey(p);
      if (!has(p, 'access_key_id') && key !== undefined) say(key, 'needs access_key_id');
    }),
  },
  {
    id: 'security-token-without-id',
    check: eachProfile((p, say) => {
      const key = ['security_token', 'security_token_file'].find((k) => has(p, k));
      if (!has(p, 'access_key_id') && key !== undefined)
        say(key, 'needs access_key_id and access_key_secret');
    }),
  },
  {
    id: 'secret-file-unreadable',
    check: eachProfile((p, say, read) => {
      for (const { key, path, content } of secretFiles(p, read))
        if (!content.ok) say(key, `cannot read "${path}": ${content.error}`);
    }),
  },
  {
    id: 'secret-file-empty',
    check: eachProfile((p, say, read) => {
      for (const { key, path, content } of secretFiles(p, read))
        if (content.ok && content.value.replace(/\r?\n$/, '') === '') say(key, `file "${path}" is empty`);
    }),
  },
  {
    id: 'proxy-password-and-file',
    check: eachProfile((p, say) => {
      if (has(p, 'proxy_password_file') && proxyUrl(p)?.password)
        say('proxy_password_file', 'cannot be combined with a password in proxy; use one of them');
    }),
  },
  {
    id: 'proxy-password-file-without-user',
    check: eachProfile((p, say) => {
      if (has(p, 'proxy_password_file') && !proxyUrl(p)?.username)
        say('proxy_password_file', 'needs proxy with a user name (http://USER@HOST:PORT)');
    }),
  },
  { id: 'timeout-offset-not-less', check: (top) => timeoutOffsetProblems(asRecord(top.scrape)) },
  { id: 'duplicate-order-id', check: (top) => duplicateOrderIds(top.orders) },
  { id: 'unknown-profile-ref', check: unknownProfiles },
];

export function crossKeyProblems(root: unknown, readSecretFile: SecretFileReader): Problem[] {
  const top = asRecord(root);
  if (top === undefined) return [];
  const read = readEachOnce(readSecretFile);
  return CROSS_KEY_RULES.flatMap((rule) => rule.check(top, read));
}

/** Two rules look at each secret file: it is read once for both. */
function readEachOnce(readSecretFile: SecretFileReader): SecretFileReader {
  const read = new Map<string, Result<string, string>>();
  return (path) => {
    const known = read.get(path);
    if (known !== undefined) return known;
    const content = readSecretFile(path);
    read.set(path, content);
    return content;
  };
}

type ProfileCheck = (
  profile: Plain,
  say: (key: string, message: string) => void,
  readSecretFile: SecretFileReader,
) => void;

/** A check of each written profile, its problems under `profiles.NAME`. */
function eachProfile(check: ProfileCheck): CrossKeyRule['check'] {
  return (top, readSecretFile) => {
    const problems: Problem[] = [];
    for (const [name, profile] of Object.entries(asRecord(top.profiles) ?? {})) {
      const p = asRecord(profile);
      const say = (key: string, message: string): void =>
        void problems.push({ path: ['profiles', name, key], message });
      if (p !== undefined) check(p, say, readSecretFile);
    }
    return problems;
  };
}

const has = (p: Plain, key: string): boolean => p[key] !== undefined;

const secretKey = (p: Plain): string | undefined =>
  ['access_key_secret', 'access_key_secret_file'].find((k) => has(p, k));

function notBoth(key: string): ProfileCheck {
  return (p, say) => {
    if (has(p, key) && has(p, `${key}_file`))
      say(`${key}_file`, `cannot be combined with ${key}; use one of them`);
  };
}

/** The profile's proxy, when it is valid (the schema reports an invalid one). */
function proxyUrl(p: Plain): URL | undefined {
  const proxy = profileShape.proxy.safeParse(p.proxy);
  return proxy.success && proxy.data !== undefined ? new URL(proxy.data) : undefined;
}

/** The secret files a profile names (valid paths only: the schema reports the others), read. */
function secretFiles(p: Plain, read: SecretFileReader) {
  return SECRET_FILE_KEYS.flatMap((key) => {
    const path = profileShape[key].safeParse(p[key]);
    if (!path.success || path.data === undefined) return [];
    return [{ key, path: path.data, content: read(path.data) }];
  });
}

// The offset is taken off the scraper's timeout: one as long as ours is a mistake, that would leave
// DMS only the half of the header's value every scrape may spend (http/deadline.ts).
function timeoutOffsetProblems(scrape: Plain | undefined): Problem[] {
  const timeout = scrapeShape.timeout.safeParse(scrape?.timeout);
  const offset = scrapeShape.timeout_offset.safeParse(scrape?.timeout_offset);
  if (!timeout.success || !offset.success || offset.data < timeout.data) return [];
  const message = `must be less than scrape.timeout (${formatDuration(timeout.data)}), got ${formatDuration(offset.data)}`;
  return [{ path: ['scrape', 'timeout_offset'], message }];
}

function duplicateOrderIds(orders: unknown): Problem[] {
  const problems: Problem[] = [];
  const firstIndex = new Map<number, number>();
  (Array.isArray(orders) ? orders : []).forEach((item: unknown, index) => {
    const id = orderShape.id.safeParse(asRecord(item)?.id);
    if (!id.success) return;
    const first = firstIndex.get(id.data);
    if (first === undefined) return void firstIndex.set(id.data, index);
    problems.push({
      path: ['orders', index, 'id'],
      message: `duplicate order id ${id.data}, first at orders[${first}]`,
    });
  });
  return problems;
}

function unknownProfiles(top: Plain): Problem[] {
  if (!Array.isArray(top.orders)) return [];
  const profiles = asRecord(top.profiles);
  const profileNames = profiles === undefined ? [DEFAULT_PROFILE_NAME] : Object.keys(profiles);
  const defined = profileNames.length === 0 ? 'none' : profileNames.join(', ');
  return top.orders.flatMap((item: unknown, index): Problem[] => {
    const order = asRecord(item);
    if (order === undefined) return [];
    const written = orderShape.profile.safeParse(order.profile);
    const profile = written.success ? written.data : undefined;
    if (profile === undefined || profileNames.includes(profile)) return [];
    const implicit = order.profile === undefined ? ' (the default when profile is not set)' : '';
    const message = `unknown profile "${profile}"${implicit}; defined profiles: ${defined}`;
    return [{ path: ['orders', index, 'profile'], message }];
  });
}

function asRecord(value: unknown): Plain | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Plain) : undefined;
}
