import { formatDuration, type Problem, type Result } from 'yaml-files';
import { DEFAULT_PROFILE_NAME, orderShape, profileShape, scrapeShape } from './schema.js';

// Rules that span keys, run on the plain file contents after (and whatever the result of) the
// schema: a wrong field elsewhere must not hide a duplicate id or a missing secret. Each rule reads
// only values that are valid on their own, so it never repeats a problem the schema reports.

type Plain = Readonly<Record<string, unknown>>;

/** Reads a file named in the config (relative paths resolved by the caller); an error is its reason. */
export type SecretFileReader = (path: string) => Result<string, string>;

export function crossKeyProblems(root: unknown, readSecretFile: SecretFileReader): Problem[] {
  const top = asRecord(root);
  if (top === undefined) return [];
  const profiles = asRecord(top.profiles);
  const problems: Problem[] = [];
  for (const [name, profile] of Object.entries(profiles ?? {})) {
    const p = asRecord(profile);
    if (p !== undefined) problems.push(...credentialProblems(['profiles', name], p, readSecretFile));
  }
  problems.push(...scrapeProblems(asRecord(top.scrape)));
  const profileNames = profiles === undefined ? [DEFAULT_PROFILE_NAME] : Object.keys(profiles);
  problems.push(...orderProblems(top.orders, profileNames));
  return problems;
}

function credentialProblems(at: string[], p: Plain, readSecretFile: SecretFileReader): Problem[] {
  const problems: Problem[] = [];
  const has = (key: string): boolean => p[key] !== undefined;
  const say = (key: string, message: string): void => void problems.push({ path: [...at, key], message });
  for (const key of ['access_key_secret', 'security_token']) {
    if (has(key) && has(`${key}_file`)) say(`${key}_file`, `cannot be combined with ${key}; use one of them`);
  }
  const secretKey = ['access_key_secret', 'access_key_secret_file'].find(has);
  const tokenKey = ['security_token', 'security_token_file'].find(has);
  if (has('access_key_id') && secretKey === undefined) {
    say('access_key_id', 'needs access_key_secret or access_key_secret_file');
  }
  if (!has('access_key_id') && secretKey !== undefined) say(secretKey, 'needs access_key_id');
  if (!has('access_key_id') && tokenKey !== undefined)
    say(tokenKey, 'needs access_key_id and access_key_secret');
  for (const key of ['access_key_secret_file', 'security_token_file'] as const) {
    const path = profileShape[key].safeParse(p[key]);
    if (!path.success || path.data === undefined) continue;
    const content = readSecretFile(path.data);
    if (!content.ok) say(key, `cannot read "${path.data}": ${content.error}`);
    else if (content.value.replace(/\r?\n$/, '') === '') say(key, `file "${path.data}" is empty`);
  }
  return problems;
}

// The offset is taken off the scraper's timeout; not less than ours would leave no time for DMS.
function scrapeProblems(scrape: Plain | undefined): Problem[] {
  const timeout = scrapeShape.timeout.safeParse(scrape?.timeout);
  const offset = scrapeShape.timeout_offset.safeParse(scrape?.timeout_offset);
  if (!timeout.success || !offset.success || offset.data < timeout.data) return [];
  const message = `must be less than scrape.timeout (${formatDuration(timeout.data)}), got ${formatDuration(offset.data)}`;
  return [{ path: ['scrape', 'timeout_offset'], message }];
}

function orderProblems(orders: unknown, profileNames: readonly string[]): Problem[] {
  if (!Array.isArray(orders)) return [];
  const problems: Problem[] = [];
  const firstIndex = new Map<number, number>();
  orders.forEach((item: unknown, index) => {
    const order = asRecord(item);
    if (order === undefined) return;
    const id = orderShape.id.safeParse(order.id);
    const first = id.success ? firstIndex.get(id.data) : undefined;
    if (id.success && first === undefined) firstIndex.set(id.data, index);
    if (id.success && first !== undefined) {
      const message = `duplicate order id ${id.data}, first at orders[${first}]`;
      problems.push({ path: ['orders', index, 'id'], message });
    }
    const written = orderShape.profile.safeParse(order.profile);
    const profile = written.success ? written.data : undefined;
    if (profile === undefined || profileNames.includes(profile)) return;
    const implicit = order.profile === undefined ? ' (the default when profile is not set)' : '';
    const defined = profileNames.length === 0 ? 'none' : profileNames.join(', ');
    const message = `unknown profile "${profile}"${implicit}; defined profiles: ${defined}`;
    problems.push({ path: ['orders', index, 'profile'], message });
  });
  return problems;
}

function asRecord(value: unknown): Plain | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Plain) : undefined;
}
