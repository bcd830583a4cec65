import { z } from 'zod';
import { flag, integer, list, mapping, oneOf, text } from 'yaml-files';
import { Secret } from '../config/secret.js';
import { parseGoDuration, type RateLimit } from './rate-limit.js';
import { CIPHER_SUITE_NAMES, CURVE_NAMES, TLS_VERSIONS } from './tls-names.js';

// The web configuration file, in the Prometheus exporter-toolkit format (docs/web-configuration.md
// there): the same keys, values and defaults, so one file serves this exporter and `promtool check
// web-config`. Toolkit keys this exporter does not implement are refused with a reason, never ignored.

const MAX_PATH_LENGTH = 4096;

/**
 * `interval`: a Go duration string, as the toolkit's YAML library reads one into a time.Duration. A
 * bare number there counts nanoseconds (`1` is 1ns), which is never meant, so only 0 is taken bare.
 */
const interval = z
  .union([z.string(), z.number(), z.bigint()], { error: 'must be a duration such as 1s, got {value}' })
  .transform((written, ctx) => {
    // yaml-files hands a bare decimal integer over as a bigint, any other bare number as a number.
    const ms = typeof written === 'string' ? parseGoDuration(written) : Number(written) === 0 ? 0 : undefined;
    if (ms !== undefined && ms >= 0) return ms;
    let message = "must be a duration in Go's notation (e.g. 100ms, 1s, 1m30s), got {value}";
    if (typeof written !== 'string')
      message = 'needs a unit (the toolkit reads a bare number as nanoseconds), got {value}';
    else if (ms !== undefined) message = 'must not be negative (0 turns the limit off), got {value}';
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  });

/** `rate_limit`. With 0 tokens the toolkit would refuse every request, so an interval needs a burst. */
export const rateLimitSchema = z.preprocess(
  (value) => value ?? {},
  mapping({ interval: interval.default(0), burst: integer(0).default(0) })
    .refine(({ interval: ms, burst }) => ms === 0 || burst >= 1, {
      path: ['burst'],
      error: 'must be at least 1 when interval is set (with 0 the toolkit refuses every request)',
    })
    .transform(({ interval: ms, burst }): RateLimit | undefined =>
      ms === 0 ? undefined : { intervalMs: ms, burst },
    ),
);

const INLINE = 'here: give the PEM in a file (cert_file, key_file, client_ca_file), re-read when it changes';

/** A newer toolkit key this exporter refuses, with its reason (rather than "unknown key"). */
export interface UnsupportedKey {
  /** The rule that refuses it: the name of its fixture in test/fixtures/web/bad. */
  readonly id: string;
  readonly path: readonly string[];
  readonly message: string;
}

export const UNSUPPORTED_KEYS: readonly UnsupportedKey[] = [
  { id: 'inline-pem', path: ['tls_server_config', 'cert'], message: `key "cert" is not supported ${INLINE}` },
  { id: 'inline-pem', path: ['tls_server_config', 'key'], message: `key "key" is not supported ${INLINE}` },
  {
    id: 'inline-pem',
    path: ['tls_server_config', 'client_ca'],
    message: `key "client_ca" is not supported ${INLINE}`,
  },
];

const MAX_HEADER_LENGTH = 4096;

const CLIENT_AUTH_TYPES = [
  'NoClientCert',
  'RequestClientCert',
  'RequireAnyClientCert',
  // The toolkit's older name for RequireAnyClientCert, still accepted there.
  'RequireClientCert',
  'VerifyClientCertIfGiven',
  'RequireAndVerifyClientCert',
] as const;
export type ClientAuthType = Exclude<(typeof CLIENT_AUTH_TYPES)[number], 'RequireClientCert'>;

/** A bcrypt hash as Go's and bcryptjs' implementations both read it: version, cost 4-31, salt and digest. */
const BCRYPT_HASH = /^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$/;

const fileName = text(MAX_PATH_LENGTH);

const bcryptHash = z
  .string({ error: 'must be a bcrypt hash, got {kind}' })
  .refine(
    (value) => {
      const cost = Number(BCRYPT_HASH.exec(value)?.[1]);
      return cost >= 4 && cost <= 31;
    },
    // Never {value}: a plain password pasted here by mistake must not reach a log.
    { error: 'must be a bcrypt hash ($2a$, $2b$ or $2y$, cost 4 to 31, 60 characters), got {kind}' },
  )
  .transform((hash) => new Secret(hash));

const userName = z.string().refine((name) => name !== '' && !name.includes(':'), {
  error: (i) => `user name "${String(i.input)}" must be non-empty and without ":" (Basic auth splits at it)`,
});

const tlsVersion = oneOf(TLS_VERSIONS);

const tlsShape = {
  cert_file: fileName.optional(),
  key_file: fileName.optional(),
  client_auth_type: oneOf(CLIENT_AUTH_TYPES).optional(),
  client_ca_file: fileName.optional(),
  client_allowed_sans: list(text(1024)).optional(),
  min_version: tlsVersion.default('TLS12'),
  max_version: tlsVersion.default('TLS13'),
  cipher_suites: list(
    z.enum(CIPHER_SUITE_NAMES, {
      error: (i) =>
        `unknown cipher suite "${String(i.input)}" (Go's names for TLS 1.2 suites, e.g. TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256)`,
    }),
  ).optional(),
  prefer_server_cipher_suites: flag().default(true),
  curve_preferences: list(oneOf(CURVE_NAMES)).optional(),
};

const HEADERS = {
  'Content-Security-Policy': text(MAX_HEADER_LENGTH).optional(),
  'X-Frame-Options': oneOf(['deny', 'sameorigin']).optional(),
  'X-Content-Type-Options': oneOf(['nosniff']).optional(),
  'X-XSS-Protection': text(MAX_HEADER_LENGTH).optional(),
  'Strict-Transport-Security': text(MAX_HEADER_LENGTH).optional(),
};

/** `Header:` with no value is an error, as the toolkit has it for the headers with fixed values. */
const blankAsEmpty = (value: unknown): unknown =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? Object.fromEntries(Object.entries(value).map(([name, v]: [string, unknown]) => [name, v ?? '']))
    : value;

const httpShape = {
  // Accepted for compatibility; this server speaks HTTP/1.1 whatever it says (see README).
  http2: flag().default(true),
  headers: z.preprocess(blankAsEmpty, mapping(HEADERS)).optional(),
};

export const webConfigSchema = mapping(
  {
    tls_server_config: mapping(tlsShape).optional(),
    http_server_config: mapping(httpShape).optional(),
    basic_auth_users: z
      .record(userName, bcryptHash, {
        error: 'must be a mapping of user names to bcrypt hashes, got {value}',
      })
      .optional(),
    rate_limit: rateLimitSchema.optional(),
  },
  'the top level must be a mapping (tls_server_config, http_server_config, basic_auth_users, rate_limit), got {value}',
).transform((root) => ({
  tls: root.tls_server_config && tlsSettings(root.tls_server_config),
  users: new Map(Object.entries(root.basic_auth_users ?? {})),
  headers: Object.entries(root.http_server_config?.headers ?? {}).filter(
    (entry): entry is [string, string] => entry[1] !== undefined,
  ),
  http2: root.http_server_config?.http2 ?? true,
  rateLimit: root.rate_limit,
}));

type TlsInput = z.output<z.ZodObject<typeof tlsShape>>;

function tlsSettings(t: TlsInput) {
  const clientAuth: ClientAuthType =
    t.client_auth_type === 'RequireClientCert'
      ? 'RequireAnyClientCert'
      : (t.client_auth_type ?? 'NoClientCert');
  return {
    certFile: t.cert_file,
    keyFile: t.key_file,
    clientCaFile: t.client_ca_file,
    clientAuth,
    clientAllowedSans: t.client_allowed_sans,
    minVersion: t.min_version,
    maxVersion: t.max_version,
    cipherSuites: t.cipher_suites,
    preferServerCipherSuites: t.prefer_server_cipher_suites,
    curvePreferences: t.curve_preferences,
  };
}

/** The web configuration as written (paths not yet resolved, files not yet read). */
export type WebSettings = z.output<typeof webConfigSchema>;
export type TlsSettings = NonNullable<WebSettings['tls']>;
