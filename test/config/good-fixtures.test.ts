import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ENDPOINT } from '../../src/config/constants.js';
import type { Config, Profile } from '../../src/config/schema.js';
import type { SecretSource } from '../../src/config/secret.js';
import { DEFAULT_SCRAPE_SETTINGS } from '../support/settings.js';
import { FIXTURES, parseFixture } from './fixture-support.js';

function parseGood(name: string): Config {
  const result = parseFixture(join(FIXTURES, 'good', name));
  if (!result.ok) throw new Error(result.error.join('\n'));
  return result.value;
}

function profile(config: Config, name: string): Profile {
  const found = config.profiles.get(name);
  if (found === undefined) throw new Error(`no profile ${name}`);
  return found;
}

function revealed(source: SecretSource | undefined): string | undefined {
  return source?.kind === 'literal' ? source.secret.reveal() : undefined;
}

const IMPLICIT_DEFAULT: Profile = {
  name: 'default',
  endpoint: DEFAULT_ENDPOINT,
  protocol: 'https',
  tid: undefined,
  signatureAlgorithm: 'ACS3-HMAC-SHA256',
  credentials: { kind: 'default_chain' },
  rateLimit: undefined,
  proxy: { url: undefined, noProxy: undefined, passwordFile: undefined },
  discovery: undefined,
  consoleUrl: undefined,
};

describe('good config fixtures', () => {
  it.each(['empty.yaml', 'comments-only.yaml', 'empty-sections.yaml'])('%s is all defaults', (name) => {
    const config = parseGood(name);
    expect([...config.profiles.values()]).toEqual([IMPLICIT_DEFAULT]);
    expect(config.scrape).toEqual(DEFAULT_SCRAPE_SETTINGS);
    expect(config.orders).toEqual([]);
  });

  it('gives orders the implicit default profile when profiles are left out', () => {
    const config = parseGood('orders-without-profiles.yaml');
    expect([...config.profiles.values()]).toEqual([IMPLICIT_DEFAULT]);
    expect(config.orders).toEqual([
      { id: 3212345, name: '', profile: 'default', tid: undefined },
      { id: 3212346, name: 'nightly-rollback', profile: 'default', tid: 3000 },
    ]);
  });

  it("keeps profiles named after Object.prototype's methods, and changes no prototype", () => {
    const config = parseGood('object-method-names.yaml');
    expect([...config.profiles.keys()]).toEqual([
      'toString',
      'hasOwnProperty',
      '__defineGetter__',
      'valueOf',
    ]);
    expect(config.orders).toEqual([
      { id: 1, name: '', profile: 'toString', tid: 1 },
      { id: 2, name: '', profile: 'hasOwnProperty', tid: 2 },
      { id: 3, name: '', profile: '__defineGetter__', tid: 3 },
      { id: 4, name: 'toString', profile: 'valueOf', tid: undefined },
    ]);
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('tid');
    expect(typeof ({} as { toString: unknown }).toString).toBe('function');
  });

  it('defaults rate_limit.burst to requests_per_second rounded up, so a slow rate still lets a call through', () => {
    const config = parseGood('rate-limit.yaml');
    expect(Object.fromEntries([...config.profiles].map(([name, p]) => [name, p.rateLimit]))).toEqual({
      half: { requestsPerSecond: 0.5, burst: 1 },
      fractional: { requestsPerSecond: 2.5, burst: 3 },
      whole: { requestsPerSecond: 20, burst: 20 },
      explicit: { requestsPerSecond: 0.5, burst: 4 },
    });
  });

  describe('full.yaml', () => {
    const config = parseGood('full.yaml');

    it('reads the scrape settings', () => {
      expect(config.scrape).toEqual({
        timeoutMs: 90_000,
        timeoutOffsetMs: 250,
        concurrency: 256,
        terminalRecheckMs: 0,
        minIntervalMs: 15_000,
        maxAgeMs: 300_000,
        probeUnknownOrders: 0,
      });
    });

    it('reads a key id from the environment and names the secret file (read when used, see test/dms)', () => {
      const p = profile(config, 'default');
      expect(p).toMatchObject({
        endpoint: 'dms-enterprise.cn-hangzhou.aliyuncs.com',
        protocol: 'https',
        tid: 3000,
      });
      expect(p.credentials.kind).toBe('access_key');
      if (p.credentials.kind !== 'access_key') return;
      expect(p.credentials.accessKeyId).toBe('LTAI5tFixtureKeyId');
      expect(p.credentials.accessKeySecret).toEqual({ kind: 'file', path: '/run/secrets/ak' });
      expect(p.credentials.securityToken).toBeUndefined();
    });

    it('names the proxy and its password file, resolved like the secret files', () => {
      const { proxy } = profile(config, 'default');
      expect(proxy.url?.reveal()).toBe('http://exporter@proxy.internal:3128');
      expect(proxy.passwordFile).toBe('/run/secrets/proxy');
      expect(proxy.noProxy).toBeUndefined();
    });

    it('substitutes a proxy password from the environment and reads no_proxy', () => {
      const { proxy } = profile(config, 'sts');
      expect(proxy.url?.reveal()).toBe('http://exporter:sekrit-proxy-password@proxy.internal:3128');
      expect(proxy.noProxy).toBe('.internal, 10.0.0.0:8443');
      expect(proxy.passwordFile).toBeUndefined();
    });

    it('substitutes inside a string and names a token file', () => {
      const p = profile(config, 'sts');
      expect(p).toMatchObject({
        endpoint: 'dms-enterprise.cn-shanghai.aliyuncs.com:8443',
        signatureAlgorithm: 'HMAC-SHA1',
      });
      if (p.credentials.kind !== 'access_key') throw new Error('expected an access key');
      expect(p.credentials.accessKeyId).toBe('STS.LTAI5tFixtureKeyId');
      expect(revealed(p.credentials.accessKeySecret)).toBe('sekrit-env-secret');
      expect(p.credentials.securityToken).toEqual({ kind: 'file', path: '/run/secrets/token' });
    });

    it('reads literal credentials and the http protocol', () => {
      const p = profile(config, 'simulator');
      expect(p).toMatchObject({ endpoint: '127.0.0.1:9799', protocol: 'http', tid: undefined });
      if (p.credentials.kind !== 'access_key') throw new Error('expected an access key');
      expect(revealed(p.credentials.accessKeySecret)).toBe('sim-secret');
      expect(revealed(p.credentials.securityToken)).toBe('sekrit-env-token');
    });

    it('links each order of a profile with a console_url to its ticket, and no other order', () => {
      expect(profile(config, 'default').consoleUrl).toBe(
        'https://dms.example.com/#/ticket/{order_id}?source={order_id}',
      );
      expect(config.orders.map((o) => o.consoleUrl)).toEqual([
        'https://dms.example.com/#/ticket/3212345?source=3212345',
        'https://dms.example.com/#/ticket/3212346?source=3212346',
        undefined,
        undefined,
      ]);
    });

    it('inherits the profile tid unless the order sets its own, and keeps $${ literal', () => {
      expect(config.orders.map(({ consoleUrl: _link, ...order }) => order)).toEqual([
        { id: 3212345, name: 'prod-orders-rollback', profile: 'default', tid: 3000 },
        { id: 3212346, name: '', profile: 'default', tid: 4000 },
        { id: 9007199254740991, name: 'price-${not-a-variable}', profile: 'sts', tid: undefined },
        { id: 7, name: '', profile: 'simulator', tid: undefined },
      ]);
    });
  });
});
