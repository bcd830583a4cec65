import type { Profile, ScrapeSettings, SignatureAlgorithm } from './types.js';

// Every default in one place; CONFIGURATION.md and config.yaml repeat these and test/config checks them.

export const DEFAULT_PROFILE_NAME = 'default';
/** The central DMS Enterprise endpoint; regional ones look like dms-enterprise.cn-hangzhou.aliyuncs.com. */
export const DEFAULT_ENDPOINT = 'dms-enterprise.aliyuncs.com';
export const DEFAULT_PROTOCOL = 'https';
export const SIGNATURE_ALGORITHMS: readonly SignatureAlgorithm[] = ['ACS3-HMAC-SHA256', 'HMAC-SHA1'];
export const DEFAULT_SIGNATURE_ALGORITHM: SignatureAlgorithm = 'ACS3-HMAC-SHA256';

export const DEFAULT_SCRAPE: ScrapeSettings = {
  timeoutMs: 10_000,
  timeoutOffsetMs: 500,
  concurrency: 8,
  terminalRecheckMs: 10 * 60_000,
};
export const MAX_CONCURRENCY = 256;

/** The profile used when the file has no `profiles` section. */
export const IMPLICIT_PROFILE: Profile = {
  name: DEFAULT_PROFILE_NAME,
  endpoint: DEFAULT_ENDPOINT,
  protocol: DEFAULT_PROTOCOL,
  tid: undefined,
  signatureAlgorithm: DEFAULT_SIGNATURE_ALGORITHM,
  credentials: { kind: 'default_chain' },
};
