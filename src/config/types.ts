import type { Secret } from './secret.js';

/** The validated, defaulted configuration. Built only by `parseConfig`; everything downstream trusts it. */
export interface Config {
  /** Keyed by profile name. Every order's `profile` is a key here (validated). */
  readonly profiles: ReadonlyMap<string, Profile>;
  readonly scrape: ScrapeSettings;
  readonly orders: readonly Order[];
}

export type SignatureAlgorithm = 'ACS3-HMAC-SHA256' | 'HMAC-SHA1';

export interface Profile {
  readonly name: string;
  /** `host[:port]` only; the SDK builds the URL from protocol + endpoint. */
  readonly endpoint: string;
  readonly protocol: 'http' | 'https';
  readonly tid: number | undefined;
  readonly signatureAlgorithm: SignatureAlgorithm;
  readonly credentials: Credentials;
}

export type Credentials =
  | {
      readonly kind: 'access_key';
      readonly accessKeyId: string;
      readonly accessKeySecret: Secret;
      readonly securityToken: Secret | undefined;
    }
  /** The Alibaba default chain: env, OIDC/RRSA, CLI config, credentials file, ECS RAM role, URI. */
  | { readonly kind: 'default_chain' };

export interface ScrapeSettings {
  /** Cap for one scrape's whole DMS fan-out. */
  readonly timeoutMs: number;
  /** Subtracted from Prometheus' X-Prometheus-Scrape-Timeout-Seconds to leave time to render and send. */
  readonly timeoutOffsetMs: number;
  /** DMS calls in flight at once, across all concurrent scrapes. */
  readonly concurrency: number;
  /** A job in a final state is served from memory for this long before DMS is asked again. */
  readonly terminalRecheckMs: number;
}

export interface Order {
  readonly id: number;
  /** Display name; '' when not configured. */
  readonly name: string;
  readonly profile: string;
  /** Effective tenant id: the order's own, else its profile's, else undefined. */
  readonly tid: number | undefined;
}
