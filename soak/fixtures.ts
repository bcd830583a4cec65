// What the soak runs: the simulator's scenario (some orders with faults), the exporter's config in
// three variants that reloads switch between, and the secret and token files that rotations replace.
import { randomBytes } from 'node:crypto';
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const KEY_ID = 'LTAIsoakKeyId0001';
const STS_ID = 'STS.soakKeyId0002';
const STS_SECRET = 'soak-sts-secret-not-real';

/** The rotating values: the AccessKey secret of profile `default`, the STS token of profile `sts`. */
export interface Keys {
  readonly secret: string;
  readonly token: string;
}

/** Real STS tokens are long (a kilobyte or more): a leak of old ones would show. */
export function newKeys(): Keys {
  return {
    secret: `soak-secret-${randomBytes(12).toString('hex')}`,
    token: `CAIS${randomBytes(768).toString('base64url')}`,
  };
}

const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);
const RUNNING = range(1, 24);
const FINISHED = range(25, 28);
const FAULTS: ReadonlyArray<readonly [number, string]> = [
  [29, '{ kind: throttle }'],
  [31, '{ kind: malformed_json }'],
  [32, '{ kind: business_error, code: UnknownError }'],
  [33, '{ kind: internal_error }'],
  [34, '{ kind: bad_ratio }'],
];
/**
 * A finished job whose answer takes 1.5 s, asked again every terminal_recheck (10 s): most scrapes
 * (2 s budget) wait for it then, the short-budget scraper (0.5 s) gives up on it and gets its stale
 * answer. A running slow order would hold every scrape, and one slower than every budget would
 * never be answered: the scrapers' deadlines fall together and abandon each call they share.
 */
const SLOW_FINISHED = 30;
const STS_ORDERS = range(35, 40);
/** In the `shifted` config only; unknown to the simulator, so DMS answers a business error. */
const UNKNOWN = range(41, 44);

const DONE = 'start: 0s, list: 0s, pause: 0s, download: 0s, filter: 0s';

export function scenarioYaml(keys: Keys): string {
  const running = (id: number) => `  - { id: ${id}, list: 1h, download: 1h, filter: 1h }`;
  const orders = [
    ...RUNNING.map(running),
    ...FINISHED.map((id) => `  - { id: ${id}, ${DONE} }`),
    `  - { id: ${SLOW_FINISHED}, ${DONE}, fault: { kind: slow, delay: 1500ms } }`,
    ...FAULTS.map(([id, fault]) => `  - { id: ${id}, list: 1h, download: 1h, filter: 1h, fault: ${fault} }`),
    ...STS_ORDERS.map(running),
  ];
  return `credentials:
  - { access_key_id: ${KEY_ID}, access_key_secret: ${keys.secret} }
  - { access_key_id: ${STS_ID}, access_key_secret: ${STS_SECRET}, security_token: ${keys.token} }
orders:
${orders.join('\n')}
`;
}

/** all: every order; shifted: four gone, four unknown ones added; broken: a duplicate id (reload fails). */
export type ConfigVariant = 'all' | 'shifted' | 'broken';

export function configYaml(variant: ConfigVariant, endpoint: string, dir: string): string {
  const keyOrders = [...RUNNING, ...FINISHED, SLOW_FINISHED, ...FAULTS.map(([id]) => id)];
  const ids = variant === 'shifted' ? [...keyOrders.slice(4), ...UNKNOWN] : keyOrders;
  const orders = [
    ...ids.map((id) => `  - { id: ${id}, name: soak-${id} }`),
    ...STS_ORDERS.map((id) => `  - { id: ${id}, profile: sts }`),
    ...(variant === 'broken' ? ['  - { id: 1 }'] : []),
  ];
  return `profiles:
  default:
    endpoint: '${endpoint}'
    protocol: http
    access_key_id: ${KEY_ID}
    access_key_secret_file: '${join(dir, 'access_key_secret')}'
    rate_limit: { requests_per_second: 100, burst: 50 }
  sts:
    endpoint: '${endpoint}'
    protocol: http
    access_key_id: ${STS_ID}
    access_key_secret: ${STS_SECRET}
    security_token_file: '${join(dir, 'security_token')}'
# min_interval 1s: DMS is asked about every order about once a second, however fast the scrapes come.
scrape: { timeout: 5s, concurrency: 8, min_interval: 1s, max_age: 30s, terminal_recheck: 10s }
orders:
${orders.join('\n')}
`;
}

/** As a Kubernetes Secret volume changes: the new file is complete before it takes the name. */
export function replaceFile(path: string, text: string): void {
  writeFileSync(`${path}.new`, text);
  renameSync(`${path}.new`, path);
}

export function writeSecretFiles(dir: string, keys: Keys): void {
  replaceFile(join(dir, 'access_key_secret'), `${keys.secret}\n`);
  replaceFile(join(dir, 'security_token'), `${keys.token}\n`);
}
