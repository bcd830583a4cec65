import { z } from 'zod';
import {
  decimal,
  duration,
  flag,
  integer,
  isTimeZone,
  list,
  LONGEST_TIMER_MS,
  mapping,
  oneOf,
  pattern,
  text,
} from 'yaml-files';
import { ALWAYS_SPENT_SHARE, DEFAULT_ENDPOINT, DEFAULT_PROFILE_NAME, MAX_CONCURRENCY } from './constants.js';
import { consoleUrlOf, templateProblems } from './console-url.js';
import { Secret, type SecretSource } from './secret.js';

// The configuration file's one schema: its types (z.output), defaults, rules and descriptions.
// config.schema.json and CONFIGURATION.md's key tables are generated from it (npm run config:docs).
// Rules across keys (pairing of credentials, references, duplicates) live in cross-checks.ts.

/** Names become label values and key paths: long enough for any real name, short enough to stay small. */
const MAX_NAME_LENGTH = 1024;
const HOUR_MS = 60 * 60 * 1000;
const MAX_PATH_LENGTH = 4096;

// Profile names become key paths (profiles.NAME.endpoint) and label values: keep them plain.
const PROFILE_NAME = /^[A-Za-z0-9_-]+$/;
// host, IPv4 or [IPv6], then an optional port. Anything with a scheme or a path fails this.
const ENDPOINT = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?$/;

const endpoint = text(253)
  .refine((value) => ENDPOINT.test(value) && validPort(ENDPOINT.exec(value)?.[1]), {
    error: (i) => `must be host[:port], without http:// or a path; got "${String(i.input)}"`,
  })
  .describe(
    'DMS Enterprise API host, `host[:port]` only, without `http://` or a path. Regional endpoints look like `dms-enterprise.cn-hangzhou.aliyuncs.com`.',
  );

/** A console URL template, checked when the config loads (console-url.ts). */
function consoleUrlTemplate() {
  return text(2048).superRefine((template, ctx) => {
    for (const problem of templateProblems(template)) ctx.addIssue({ code: 'custom', message: problem });
  });
}

/** http(s)://[user[:password]@]host[:port], nothing after the authority. */
function isProxyUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return (
    (url.protocol === 'http:' || url.protocol === 'https:') &&
    url.hostname !== '' &&
    url.pathname === '/' &&
    url.search === '' &&
    url.hash === ''
  );
}

function validPort(port: string | undefined): boolean {
  return port === undefined || (Number(port) >= 1 && Number(port) <= 65535);
}

const DAY_MS = 24 * HOUR_MS;

const discoveryShape = {
  enabled: flag().default(false).describe('Turns discovery on for this profile.'),
  interval: duration({ min: 10_000, max: DAY_MS })
    .prefault('5m')
    .describe('How often ListOrders is asked, on its own timer (never inside a scrape).'),
  lookback: duration({ min: HOUR_MS, max: 365 * DAY_MS })
    .prefault('7d')
    .describe('Tickets created this long ago or later are listed.'),
  scope: oneOf(['AS_ADMIN', 'AS_COMMITTER', 'AS_HANDLER', 'AS_OWNER', 'AS_Related'])
    .default('AS_ADMIN')
    .describe(
      "Whose tickets (ListOrders' `OrderResultType`): `AS_ADMIN` lists every ticket, and needs an admin or DBA account; the others list the account's own.",
    ),
  status: oneOf(['ALL', 'RUNNING', 'FINISHED']).default('ALL').describe("ListOrders' `OrderStatus`."),
  include_comment: pattern()
    .optional()
    .describe('Only tickets whose comment matches this regular expression.'),
  exclude_comment: pattern().optional().describe('No ticket whose comment matches this regular expression.'),
  max_orders: integer(1, 10_000)
    .default(1_000)
    .describe('At most this many discovered tickets, newest first; more are left out, counted and logged.'),
  keep_finished_for: duration({ max: 365 * DAY_MS })
    .prefault('24h')
    .describe(
      'A ticket that finished (success, fail), or was rejected, cancelled or closed, is exported for this long after its last change, then dropped.',
    ),
  timezone: text(64)
    .refine(isTimeZone, {
      error: (i) => `must be an IANA time zone such as Asia/Shanghai, got "${String(i.input)}"`,
    })
    .prefault('Asia/Shanghai')
    .describe('Zone of the times ListOrders reads and writes (DMS writes them without one).'),
  page_size: integer(1, 1_000)
    .default(100)
    .describe('Tickets asked for per ListOrders page; DMS may send fewer, and the exporter asks on.'),
  details_per_run: integer(0, 10_000)
    .default(200)
    .describe(
      'Ticket details (`GetDataTrackOrderDetail`: database, tables, tracked range) asked per run at most, for tickets that have none yet; each ticket is asked once. `0` asks none. See [discovery](#discovery) for how long a first run over many tickets takes.',
    ),
};

const discoverySchema = mapping(discoveryShape).transform((d) => ({
  enabled: d.enabled,
  intervalMs: d.interval,
  lookbackMs: d.lookback,
  scope: d.scope,
  status: d.status,
  includeComment: d.include_comment,
  excludeComment: d.exclude_comment,
  maxOrders: d.max_orders,
  keepFinishedForMs: d.keep_finished_for,
  timezone: d.timezone,
  pageSize: d.page_size,
  detailsPerRun: d.details_per_run,
}));

export const profileShape = {
  endpoint: endpoint.prefault(DEFAULT_ENDPOINT),
  protocol: oneOf(['http', 'https'])
    .default('https')
    .describe('Scheme for the endpoint. `http` is for the built-in simulator only.'),
  tid: integer(1)
    .optional()
    .describe('DMS tenant id, sent as `Tid`. Orders inherit it unless they set their own.'),
  signature_algorithm: oneOf(['ACS3-HMAC-SHA256', 'HMAC-SHA1'])
    .default('ACS3-HMAC-SHA256')
    .describe('Request signing: ACS3 (V3), or the legacy RPC signature.'),
  access_key_id: text(256)
    .optional()
    .describe(
      'AccessKey id. Given, it selects explicit credentials; left out, the default credential chain.',
    ),
  access_key_secret: text(1024, { secret: true })
    .optional()
    .describe('AccessKey secret, literally or as `${VAR}`.'),
  access_key_secret_file: text(MAX_PATH_LENGTH)
    .optional()
    .describe('File holding the AccessKey secret (see [Credentials](#credentials)).'),
  security_token: text(16 * 1024, { secret: true })
    .optional()
    .describe('STS security token, for temporary credentials.'),
  security_token_file: text(MAX_PATH_LENGTH)
    .optional()
    .describe('File holding the STS security token (see [Credentials](#credentials)).'),
  discovery: discoverySchema
    .optional()
    .describe(
      'Find the data-tracking tickets of this account with ListOrders (see [discovery](#discovery)).',
    ),
  rate_limit: mapping({
    requests_per_second: decimal(0, 10_000, { above: true }).describe(
      'Average DMS calls per second for this profile.',
    ),
    burst: integer(1, 10_000)
      .optional()
      .describe(
        'Calls allowed at once before the average applies (default: `requests_per_second`, rounded up).',
      ),
  })
    .optional()
    .describe(
      'Client-side limit on DMS calls for this profile, shared by every scrape and every other call the exporter makes (see [Quota](docs/operations.md#quota-protection)). Left out: no limit.',
    ),
  proxy: text(2048, { secret: true })
    .refine(isProxyUrl, {
      error: 'must be a proxy URL, http://[USER[:PASSWORD]@]HOST[:PORT] or https://..., without a path',
    })
    .optional()
    .describe(
      'HTTP proxy for the DMS calls of this profile; wins over `HTTPS_PROXY`/`HTTP_PROXY`. A password in it may be a `${VAR}` (see [Proxies](docs/proxy.md)).',
    ),
  no_proxy: text(4096)
    .optional()
    .describe(
      'Hosts reached without the proxy, as in `NO_PROXY` (comma-separated; `.example.com` matches subdomains, `*` everything); wins over `NO_PROXY`.',
    ),
  proxy_password_file: text(MAX_PATH_LENGTH)
    .optional()
    .describe(
      'File holding the password for the user named in `proxy`; read when the configuration is loaded.',
    ),
  console_url: consoleUrlTemplate()
    .optional()
    .describe(
      'Link to a ticket in the DMS console, with `{order_id}` where the ticket id goes (e.g. `https://dms.example.com/orders/{order_id}`; `http` or `https` only). Shown on the landing page, in the dashboard and in alerts (`console_url` label of `order_info`). Left out: no link; nothing is guessed.',
    ),
};

const profileSchema = mapping(profileShape).transform((p) => ({
  endpoint: p.endpoint,
  protocol: p.protocol,
  tid: p.tid,
  signatureAlgorithm: p.signature_algorithm,
  credentials: credentialsOf(p),
  discovery: p.discovery?.enabled === true ? p.discovery : undefined,
  consoleUrl: p.console_url,
  proxy: {
    url: p.proxy === undefined ? undefined : new Secret(p.proxy),
    noProxy: p.no_proxy,
    passwordFile: p.proxy_password_file,
  },
  rateLimit: p.rate_limit && {
    requestsPerSecond: p.rate_limit.requests_per_second,
    burst: p.rate_limit.burst ?? Math.ceil(p.rate_limit.requests_per_second),
  },
}));

/** The pairing rules are checked by cross-checks.ts; an incomplete key pair never gets this far. */
function credentialsOf(p: {
  access_key_id?: string | undefined;
  access_key_secret?: string | undefined;
  access_key_secret_file?: string | undefined;
  security_token?: string | undefined;
  security_token_file?: string | undefined;
}) {
  const secret = secretSource(p.access_key_secret, p.access_key_secret_file);
  if (p.access_key_id === undefined || secret === undefined) return { kind: 'default_chain' } as const;
  return {
    kind: 'access_key',
    accessKeyId: p.access_key_id,
    accessKeySecret: secret,
    securityToken: secretSource(p.security_token, p.security_token_file),
  } as const;
}

function secretSource(literal: string | undefined, path: string | undefined): SecretSource | undefined {
  if (literal !== undefined) return { kind: 'literal', secret: new Secret(literal) };
  return path === undefined ? undefined : { kind: 'file', path };
}

export const scrapeShape = {
  timeout: duration({ above: 0, max: HOUR_MS })
    .prefault('10s')
    .describe(
      `Cap for one scrape's whole DMS fan-out. With Prometheus' \`X-Prometheus-Scrape-Timeout-Seconds\` header the budget is min(\`timeout\`, max(header − \`timeout_offset\`, header × ${ALWAYS_SPENT_SHARE})); without it, \`timeout\`.`,
    ),
  timeout_offset: duration({ max: HOUR_MS })
    .prefault('500ms')
    .describe(
      "Subtracted from the header's value, to leave time to render and send the answer; a scrape may always spend at least half the header's value, so with the default a header of 1 s or less gives half of it (0.6 s gives 0.3 s). Less than `timeout`.",
    ),
  concurrency: integer(1, MAX_CONCURRENCY)
    .default(8)
    .describe('DMS calls in flight at once, across all concurrent scrapes.'),
  min_interval: duration({ max: HOUR_MS })
    .prefault('15s')
    .describe(
      'An order asked less than this ago is answered from memory, so a scrape storm or several Prometheus servers cost at most one call per order per interval; `0s` asks every time.',
    ),
  max_age: duration({ max: LONGEST_TIMER_MS })
    .prefault('5m')
    .describe(
      'When the deadline or the rate limit leaves an order unrefreshed, its last answer is served while younger than this; older, the order is `up 0` with code `timeout` or `rate_limited`.',
    ),
  probe_unknown_orders: integer(0, 10_000)
    .default(0)
    .describe(
      '`/probe?target=ID` of an order the exporter does not follow: 0 refuses it (404); N > 0 asks DMS for up to N such ids (with the profile `profile=NAME` names, else `default`), the least recently probed forgotten first.',
    ),
  terminal_recheck: duration({ max: LONGEST_TIMER_MS })
    .prefault('10m')
    .describe(
      'How long a job in a final state is served from memory before DMS is asked again; `0s` asks every time.',
    ),
};

const scrapeSchema = mapping(scrapeShape).transform((s) => ({
  timeoutMs: s.timeout,
  timeoutOffsetMs: s.timeout_offset,
  concurrency: s.concurrency,
  terminalRecheckMs: s.terminal_recheck,
  minIntervalMs: s.min_interval,
  maxAgeMs: s.max_age,
  probeUnknownOrders: s.probe_unknown_orders,
}));

export const orderShape = {
  id: integer(1).describe('The DMS data tracking ticket (order) id. Unique in the list.'),
  name: text(MAX_NAME_LENGTH).default('').describe('Display name, the `name` label of `order_info`.'),
  profile: text(64)
    .default(DEFAULT_PROFILE_NAME)
    .describe('Which profile calls DMS for this order. Must name a defined profile.'),
  tid: integer(1).optional().describe("Tenant id for this order, overriding the profile's `tid`."),
};

const orderSchema = mapping(orderShape);

const profileName = z
  .string()
  .regex(PROFILE_NAME, {
    error: (i) => `profile name "${String(i.input)}" may use only letters, digits, "_" and "-"`,
    abort: true,
  })
  .max(64, { error: 'profile names have at most 64 characters' });

export const configSchema = mapping(
  {
    profiles: z
      // `name:` with nothing after it is a profile with every default.
      .record(
        profileName,
        z.preprocess((p) => p ?? {}, profileSchema),
        {
          error: 'must be a mapping, got {value}',
        },
      )
      .refine((profiles) => Object.keys(profiles).length > 0, {
        error: 'must define at least one profile (leave profiles out for the default one)',
      })
      .optional()
      .describe(
        `DMS accounts or regions, by name. Left out: one profile "${DEFAULT_PROFILE_NAME}" with every default.`,
      ),
    scrape: scrapeSchema.prefault({}).describe('Time and concurrency limits of one scrape.'),
    orders: list(orderSchema).prefault([]).describe('The data-tracking tickets to export.'),
  },
  'the top level must be a mapping (profiles, scrape, orders), got {value}',
).transform((root) => {
  const written = root.profiles ?? { [DEFAULT_PROFILE_NAME]: profileSchema.parse({}) };
  const profiles = new Map(Object.entries(written).map(([name, p]) => [name, { name, ...p }]));
  const orders = root.orders.map((o) => {
    const profile = profiles.get(o.profile);
    const consoleUrl = consoleUrlOf(profile?.consoleUrl, o.id);
    return { id: o.id, name: o.name, profile: o.profile, tid: o.tid ?? profile?.tid, consoleUrl };
  });
  return { profiles: profiles, scrape: root.scrape, orders };
});

type Output = z.output<typeof profileSchema>;
/** One DMS account or region: where and how to call DMS. */
export type Profile = Readonly<Output & { name: string }>;
export type Credentials = Output['credentials'];
export type SignatureAlgorithm = Output['signatureAlgorithm'];
export type DiscoverySettings = NonNullable<Output['discovery']>;
export type ProxySettings = Output['proxy'];
/** The validated, defaulted configuration: only a file that passes every check becomes one. */
export type Config = Readonly<z.output<typeof configSchema>>;
export type ScrapeSettings = Config['scrape'];
export type Order = Readonly<Config['orders'][number]>;
