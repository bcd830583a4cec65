import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Secret } from '../../src/config/secret.js';
import { createPasswordChecker, parseBasicAuth } from '../../src/web/basic-auth.js';
import { call, serveWeb, webConfig, type WebServed } from '../support/web.js';

// Hashes from test/fixtures/web (bcrypt cost 4, to keep the tests fast).
const ALICE = '$2y$04$mEAp0wdZP/4CbJb4pkp/yOl0/Uq2bK7rafbLruX3cJPc9j6Uqu4oa'; // alice-password
const BOB = '$2b$04$lXZHu8F4e65btu.ZTlP1..o3NEEI/2oKBM9.0clOwttnoa7xBK0tK'; // bob-password

const basic = (credentials: string) => `Basic ${Buffer.from(credentials).toString('base64')}`;

describe('parseBasicAuth', () => {
  it('reads user and password, splitting at the first colon, the scheme in any case', () => {
    expect(parseBasicAuth(basic('alice:pass:word'))).toEqual({ user: 'alice', password: 'pass:word' });
    expect(parseBasicAuth(basic('alice:'))).toEqual({ user: 'alice', password: '' });
    expect(parseBasicAuth(`bAsIc ${Buffer.from('a:b').toString('base64')}`)).toEqual({
      user: 'a',
      password: 'b',
    });
  });

  it('refuses anything else', () => {
    for (const header of [undefined, '', 'Bearer abc', 'Basic', 'Basic !!!', basic('no-colon')]) {
      expect(parseBasicAuth(header), String(header)).toBeUndefined();
    }
  });
});

describe('createPasswordChecker', () => {
  const users = new Map([
    ['alice', new Secret(ALICE)],
    ['bob', new Secret(BOB.replace('$04$', '$05$'))], // a costlier (and wrong) hash: sets the unknown user's cost
  ]);

  function counting() {
    const hashes: string[] = [];
    const compare = (password: string, hash: string) => {
      hashes.push(hash);
      return bcrypt.compare(password, hash);
    };
    return { hashes, compare };
  }

  it('checks the password once, then answers from its cache, right or wrong', async () => {
    const bcryptCalls = counting();
    const check = createPasswordChecker({ compare: bcryptCalls.compare });
    expect(await check(users, { user: 'alice', password: 'alice-password' })).toBe(true);
    expect(await check(users, { user: 'alice', password: 'alice-password' })).toBe(true);
    expect(await check(users, { user: 'alice', password: 'wrong' })).toBe(false);
    expect(await check(users, { user: 'alice', password: 'wrong' })).toBe(false);
    expect(bcryptCalls.hashes).toEqual([ALICE, ALICE]);
  });

  it('makes an unknown user cost a bcrypt at the highest configured cost, and never lets one in', async () => {
    const bcryptCalls = counting();
    const check = createPasswordChecker({ compare: bcryptCalls.compare });
    expect(await check(users, { user: 'mallory', password: 'alice-password' })).toBe(false);
    expect(bcryptCalls.hashes).toHaveLength(1);
    expect(bcryptCalls.hashes[0]).toMatch(/^\$2b\$05\$.{53}$/);
    expect(bcrypt.getRounds(bcryptCalls.hashes[0] ?? '')).toBe(5);
  });

  it('keeps at most cacheSize answers, dropping the least recently used', async () => {
    const bcryptCalls = counting();
    const check = createPasswordChecker({ cacheSize: 2, compare: bcryptCalls.compare });
    const alice = { user: 'alice', password: 'alice-password' };
    await check(users, alice);
    await check(users, { user: 'alice', password: 'guess-1' });
    await check(users, alice); // recently used again
    await check(users, { user: 'alice', password: 'guess-2' }); // evicts guess-1, not alice
    expect(bcryptCalls.hashes).toHaveLength(3);
    await check(users, alice);
    expect(bcryptCalls.hashes).toHaveLength(3);
    await check(users, { user: 'alice', password: 'guess-1' });
    expect(bcryptCalls.hashes).toHaveLength(4);
  });
});

describe('basic auth over HTTP', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dms-web-auth-'));
  const file = join(dir, 'web.yml');
  let served: WebServed | undefined;
  afterEach(async () => {
    await served?.close();
    served = undefined;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const CONFIG = `basic_auth_users:\n  alice: '${ALICE}'\nhttp_server_config:\n  headers:\n    X-Content-Type-Options: nosniff\n`;

  it('asks every path for credentials with 401 and WWW-Authenticate: Basic', async () => {
    served = await serveWeb(webConfig(file, CONFIG));
    for (const path of ['/metrics', '/', '/-/healthy', '/-/ready', '/no-such-page']) {
      const answer = await call(served.url, path);
      expect(answer.status, path).toBe(401);
      expect(answer.headers['www-authenticate']).toBe('Basic');
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
      expect(answer.body).toBe('Unauthorized\n');
    }
  });

  it('refuses a wrong password and an unknown user, and lets the right one in', async () => {
    served = await serveWeb(webConfig(file, CONFIG));
    expect((await call(served.url, '/metrics', { auth: 'alice:wrong' })).status).toBe(401);
    expect((await call(served.url, '/metrics', { auth: 'mallory:alice-password' })).status).toBe(401);
    const answer = await call(served.url, '/metrics', { auth: 'alice:alice-password' });
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('aliyun_dms_datatrack_exporter_build_info');
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
  });

  it('takes a changed user list at the next request, no restart', async () => {
    served = await serveWeb(webConfig(file, CONFIG));
    writeFileSync(file, `basic_auth_users:\n  bob: '${BOB}'\n`);
    expect((await call(served.url, '/metrics', { auth: 'bob:bob-password' })).status).toBe(200);
    const answer = await call(served.url, '/metrics', { auth: 'alice:alice-password' });
    expect(answer.status).toBe(401);
    expect(answer.headers['x-content-type-options']).toBeUndefined();
    expect(served.logs.map((log) => log.msg)).toContain('web config reloaded');
  });
});
