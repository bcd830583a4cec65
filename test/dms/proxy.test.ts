import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Secret } from '../../src/config/secret.js';
import type { ProxySettings } from '../../src/config/schema.js';
import { bypasses, proxyRoute } from '../../src/dms/proxy.js';

// Which proxy a profile's calls take; the calls themselves go through tinyproxy in test/e2e/proxy.test.ts.

const NONE: ProxySettings = { url: undefined, noProxy: undefined, passwordFile: undefined };
const ENDPOINT = 'dms-enterprise.cn-hangzhou.aliyuncs.com';

function routeOf(
  settings: Partial<ProxySettings>,
  env: Record<string, string>,
  protocol: 'http' | 'https' = 'https',
) {
  const route = proxyRoute(protocol, ENDPOINT, { ...NONE, ...settings }, env);
  if (!route.ok) return { error: route.error };
  return route.value === undefined ? 'direct' : { proxy: route.value.url.href, source: route.value.source };
}

describe('proxyRoute', () => {
  it('connects directly when nothing names a proxy', () => {
    expect(routeOf({}, {})).toBe('direct');
  });

  it.each([
    [{ HTTPS_PROXY: 'http://a:3128' }, 'http://a:3128/', 'HTTPS_PROXY'],
    [
      { https_proxy: 'http://lower:3128', HTTPS_PROXY: 'http://upper:3128' },
      'http://lower:3128/',
      'https_proxy',
    ],
    // An https endpoint falls back to the http proxy, as undici and curl do.
    [{ HTTP_PROXY: 'http://b:3128' }, 'http://b:3128/', 'HTTP_PROXY'],
    // host:port without a scheme, as curl accepts it.
    [{ HTTPS_PROXY: 'c:8080' }, 'http://c:8080/', 'HTTPS_PROXY'],
  ])('reads %j from the environment', (env, proxy, source) => {
    expect(routeOf({}, env)).toEqual({ proxy, source });
  });

  it('lets an http endpoint (the simulator) use only HTTP_PROXY', () => {
    expect(routeOf({}, { HTTPS_PROXY: 'http://a:3128' }, 'http')).toBe('direct');
    expect(routeOf({}, { HTTP_PROXY: 'http://b:3128' }, 'http')).toEqual({
      proxy: 'http://b:3128/',
      source: 'HTTP_PROXY',
    });
  });

  it("prefers the profile's proxy and no_proxy to the environment's, each over its own variable", () => {
    const env = { HTTPS_PROXY: 'http://env:3128', NO_PROXY: ENDPOINT };
    expect(routeOf({ url: new Secret('http://mine:3128') }, env)).toBe('direct');
    expect(routeOf({ url: new Secret('http://mine:3128'), noProxy: '.example.com' }, env)).toEqual({
      proxy: 'http://mine:3128/',
      source: 'profile',
    });
    expect(routeOf({ noProxy: '' }, env)).toEqual({ proxy: 'http://env:3128/', source: 'HTTPS_PROXY' });
  });

  it('says which variable is wrong, never its value', () => {
    expect(routeOf({}, { HTTPS_PROXY: 'http://user:pw@[bad' })).toEqual({
      error: 'the proxy set by HTTPS_PROXY is not a valid URL',
    });
    expect(routeOf({}, { HTTPS_PROXY: 'socks5://user:pw@host:1080' })).toEqual({
      error: 'the proxy set by HTTPS_PROXY is not an http:// or https:// URL',
    });
  });

  describe('proxy_password_file', () => {
    let dir = '';
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'proxy-password-'));
      await writeFile(join(dir, 'password'), 'p@ss:w/rd\n');
      await writeFile(join(dir, 'empty'), '\n');
    });
    afterAll(() => rm(dir, { recursive: true, force: true }));

    it('puts the password in the URL (encoded) and hands it out for scrubbing', () => {
      const route = proxyRoute(
        'https',
        ENDPOINT,
        { ...NONE, url: new Secret('http://user@proxy:3128'), passwordFile: join(dir, 'password') },
        {},
      );
      expect(route.ok && route.value?.url.href).toBe('http://user:p%40ss%3Aw%2Frd@proxy:3128/');
      expect(route.ok && route.value?.password).toBe('p@ss:w/rd');
    });

    it.each([
      ['empty', (path: string) => `proxy_password_file "${path}" is empty`],
      [
        'missing',
        (path: string) =>
          `cannot read proxy_password_file "${path}": ENOENT: no such file or directory, open '${path}'`,
      ],
    ])('refuses an %s file', (name, message) => {
      const path = join(dir, name);
      const route = proxyRoute(
        'https',
        ENDPOINT,
        { ...NONE, url: new Secret('http://u@p:1'), passwordFile: path },
        {},
      );
      expect(route).toEqual({ ok: false, error: message(path) });
    });
  });
});

describe('bypasses (NO_PROXY)', () => {
  it.each([
    ['*', ENDPOINT, true],
    [ENDPOINT, ENDPOINT, true],
    ['aliyuncs.com', ENDPOINT, true],
    ['.aliyuncs.com', ENDPOINT, true],
    ['*.aliyuncs.com', ENDPOINT, true],
    ['ALIYUNCS.COM', ENDPOINT, true],
    ['yuncs.com', ENDPOINT, false],
    ['other.example, aliyuncs.com:443', ENDPOINT, true],
    ['aliyuncs.com:8443', ENDPOINT, false],
    ['127.0.0.1', '127.0.0.1:9799', true],
    ['127.0.0.1:9799', '127.0.0.1:9799', true],
    ['127.0.0.1:80', '127.0.0.1:9799', false],
    ['', ENDPOINT, false],
  ])('NO_PROXY=%j, endpoint %s: %s', (noProxy, endpoint, expected) => {
    expect(bypasses(noProxy, 'https', endpoint)).toBe(expected);
  });
});
