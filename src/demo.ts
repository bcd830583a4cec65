import { randomBytes } from 'node:crypto';
import { Secret } from './config/secret.js';
import type { Config, Order, Profile } from './config/types.js';

export interface DemoCredentials {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
}

/**
 * The demo starts 40 s into the simulator's timeline: at 0 s every job is still listing, at 40 s a
 * newcomer sees eight different states (two of them failures) on the first page load.
 */
export const DEMO_HEAD_START_MS = 40_000;

/** Fresh per run and never printed: the demo shows real signing without a real key. */
export function generateDemoCredentials(): DemoCredentials {
  return {
    accessKeyId: `LTAIdemo${randomBytes(8).toString('hex')}`,
    accessKeySecret: randomBytes(24).toString('base64url'),
  };
}

/** The exporter config for `--demo`: one profile pointing at the in-process simulator, its orders. */
export function demoConfig(
  endpoint: string,
  credentials: DemoCredentials,
  orders: ReadonlyArray<{
    readonly id: number;
    readonly tid?: number | undefined;
    readonly name?: string | undefined;
  }>,
): Config {
  const profile: Profile = {
    name: 'default',
    endpoint,
    protocol: 'http',
    tid: undefined,
    signatureAlgorithm: 'ACS3-HMAC-SHA256',
    credentials: {
      kind: 'access_key',
      accessKeyId: credentials.accessKeyId,
      accessKeySecret: new Secret(credentials.accessKeySecret),
      securityToken: undefined,
    },
  };
  return {
    profiles: new Map([['default', profile]]),
    scrape: { timeoutMs: 10_000, timeoutOffsetMs: 500, concurrency: 8, terminalRecheckMs: 60_000 },
    orders: orders.map((o): Order => ({
      id: o.id,
      name: o.name ?? `demo-${o.id}`,
      profile: 'default',
      tid: o.tid,
    })),
  };
}
