import { writeFileSync } from 'node:fs';
import bcrypt from 'bcryptjs';
import { describe, expect, it } from 'vitest';
import { Secret } from '../../src/config/secret.js';
import { createPasswordChecker, parseBasicAuth } from '../../src/web/basic-auth.js';
import type { Comparison, PasswordPool } from '../../src/web/password-pool.js';
import { call, serveGated, serveWeb, webConfig, webTestBed, type Answer } from '../support/web.js';

// Hashes from test/fixtures/web (bcrypt cost 4, to keep the tests fast).
const ALICE = '$2y$04$mEAp0wdZP/4CbJb4pkp/yOl0/Uq2bK7rafbLruX3cJPc9j6Uqu4oa'; // alice-password
const BOB = '$2b$04$lXZHu8F4e65btu.ZTlP1..o3NEEI/2oKBM9.0clOwttnoa7xBK0tK'; // bob-password
const CAROL = '$2a$04$PJDOJgQCEaorl2RWGkc6puK8YZMzgpq1S8NNvV8ZBzdvm2wpyCIwK'; // carol-password
/** Cost 12: a check takes a good fraction of a second, long enough to be busy with. */
const SLOW = '$2b$12$WndUs2oz8IBKVGpmUt0lyOeVeDuzYVPFr81WXm4khpDAZ.JuTZ77W'; // slow-password

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

/** A pool that compares with bcryptjs on this thread, and records each hash and failure scale. */
function recordingPool() {
  const hashes: string[] = [];
  const scales: number[] = [];
  const pool: PasswordPool = {
    compare(password, hash, failureScale = 1) {
      hashes.push(hash);
      scales.push(failureScale);
      const comparison: Comparison = { kind: 'compared', matches: bcrypt.compareSync(password, hash), ms: 1 };
      return Promise.resolve(comparison);
    },
    close: () => Promise.resolve(),
  };
  return { hashes, scales, pool };
}

describe('createPasswordChecker', () => {
  const users = new Map([
    ['alice', new Secret(ALICE)],
    ['bob', new Secret(BOB.replace('$04$', '$05$'))], // a costlier (and wrong) hash: sets the unknown user's cost
  ]);
  const alice = { user: 'alice', password: 'alice-password' };

  it('remembers right credentials, so they are let in without bcrypt; wrong ones are checked each time', async () => {
    const { hashes, pool } = recordingPool();
    const checker = createPasswordChecker({ pool });
    expect(checker.verified(users, alice)).toBe(false);
    expect(await checker.check(users, alice)).toEqual({ kind: 'valid' });
    expect(checker.verified(users, alice)).toBe(true);
    const wrong = { user: 'alice', password: 'wrong' };
    expect(await checker.check(users, wrong)).toEqual({ kind: 'invalid' });
    expect(await checker.check(users, wrong)).toEqual({ kind: 'invalid' });
    expect(checker.verified(users, wrong)).toBe(false);
    expect(hashes).toEqual([ALICE, ALICE, ALICE]);
  });

  it('never lets wrong passwords push verified credentials out of its memory', async () => {
    const { pool } = recordingPool();
    const checker = createPasswordChecker({ pool, cacheSize: 2 });
    await checker.check(users, alice);
    for (let i = 0; i < 50; i++) await checker.check(users, { user: 'alice', password: `guess-${i}` });
    expect(checker.verified(users, alice)).toBe(true);
  });

  it('keeps at most cacheSize verified credentials, dropping the least recently used', async () => {
    const three = new Map([...users, ['bob', new Secret(BOB)], ['carol', new Secret(CAROL)]]);
    const bob = { user: 'bob', password: 'bob-password' };
    const carol = { user: 'carol', password: 'carol-password' };
    const checker = createPasswordChecker({ pool: recordingPool().pool, cacheSize: 2 });
    await checker.check(three, alice);
    await checker.check(three, bob);
    expect(checker.verified(three, alice)).toBe(true); // used again: bob is now the oldest
    await checker.check(three, carol);
    expect([alice, bob, carol].map((given) => checker.verified(three, given))).toEqual([true, false, true]);
  });

  it('forgets a password once its user or hash is gone from the configuration', async () => {
    const checker = createPasswordChecker({ pool: recordingPool().pool });
    await checker.check(users, alice);
    expect(checker.verified(new Map([['bob', new Secret(BOB)]]), alice)).toBe(false);
    expect(checker.verified(new Map([['alice', new Secret(BOB)]]), alice)).toBe(false);
  });

  it('checks an unknown user against a hash of the highest configured cost, and never lets one in', async () => {
    const { hashes, pool } = recordingPool();
    const checker = createPasswordChecker({ pool });
    expect(await checker.check(users, { user: 'mallory', password: 'alice-password' })).toEqual({
      kind: 'invalid',
    });
    expect(hashes).toHaveLength(1);
    expect(hashes[0]).toMatch(/^\$2b\$05\$.{53}$/);
    expect(bcrypt.getRounds(hashes[0] ?? '')).toBe(5);
  });

  it('has the pool hold a failure against a cheaper hash as long as one against the costliest would take', async () => {
    const { hashes, scales, pool } = recordingPool();
    const checker = createPasswordChecker({ pool });
    await checker.check(users, { user: 'alice', password: 'wrong' }); // cost 4: twice as long
    await checker.check(users, { user: 'bob', password: 'wrong' }); // cost 5, the costliest
    await checker.check(users, { user: 'mallory', password: 'wrong' }); // checked at cost 5
    expect(hashes.map((hash) => bcrypt.getRounds(hash))).toEqual([4, 5, 5]);
    expect(scales).toEqual([2, 1, 1]);
  });

  it('shares one comparison among concurrent checks of the same credentials', async () => {
    const { hashes, pool } = recordingPool();
    const checker = createPasswordChecker({ pool });
    const wrong = { user: 'alice', password: 'wrong' };
    const results = await Promise.all([1, 2, 3].map(() => checker.check(users, wrong)));
    expect(results).toEqual([{ kind: 'invalid' }, { kind: 'invalid' }, { kind: 'invalid' }]);
    expect(hashes).toHaveLength(1);
  });

  it('passes on a busy or failed pool without a verdict', async () => {
    const answers: Comparison[] = [{ kind: 'busy' }, { kind: 'failed', reason: 'gone' }];
    const pool: PasswordPool = {
      compare: () => Promise.resolve(answers.shift() ?? { kind: 'busy' }),
      close: () => Promise.resolve(),
    };
    const checker = createPasswordChecker({ pool });
    expect(await checker.check(users, alice)).toEqual({ kind: 'busy' });
    expect(await checker.check(users, alice)).toEqual({ kind: 'failed', reason: 'gone' });
    expect(checker.verified(users, alice)).toBe(false);
  });
});

describe('basic auth over HTTP', () => {
  const { file, started } = webTestBed('dms-web-auth-');

  const CONFIG = `basic_auth_users:\n  alice: '${ALICE}'\nhttp_server_config:\n  headers:\n    X-Content-Type-Options: nosniff\n`;

  it('asks every path for credentials with 401 and WWW-Authenticate: Basic', async () => {
    const served = started(await serveWeb(webConfig(file, CONFIG)));
    for (const path of ['/metrics', '/', '/-/healthy', '/-/ready', '/no-such-page']) {
      const answer = await call(served.url, path);
      expect(answer.status, path).toBe(401);
      expect(answer.headers['www-authenticate']).toBe('Basic');
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
      expect(answer.body).toBe('Unauthorized\n');
    }
  });

  it('refuses a wrong password and an unknown user, and lets the right one in', async () => {
    const served = started(await serveWeb(webConfig(file, CONFIG)));
    expect((await call(served.url, '/metrics', { auth: 'alice:wrong' })).status).toBe(401);
    expect((await call(served.url, '/metrics', { auth: 'mallory:alice-password' })).status).toBe(401);
    const answer = await call(served.url, '/metrics', { auth: 'alice:alice-password' });
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('aliyun_dms_datatrack_exporter_build_info');
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
  });

  it('takes a changed user list at the next request, no restart', async () => {
    const served = started(await serveWeb(webConfig(file, CONFIG)));
    writeFileSync(file, `basic_auth_users:\n  bob: '${BOB}'\n`);
    expect((await call(served.url, '/metrics', { auth: 'bob:bob-password' })).status).toBe(200);
    const answer = await call(served.url, '/metrics', { auth: 'alice:alice-password' });
    expect(answer.status).toBe(401);
    expect(answer.headers['x-content-type-options']).toBeUndefined();
    expect(served.logs.map((log) => log.msg)).toContain('web config reloaded');
  });

  it('answers 429 without a check while the password checks are busy, and still lets a verified user in', async () => {
    const config = `basic_auth_users:\n  alice: '${ALICE}'\n  slow: '${SLOW}'\n`;
    const served = started(
      await serveGated(webConfig(file, config), {
        passwordPool: { workers: 1, maxWaiting: 1, rest: 0 },
        tooManyHoldMs: 0,
      }),
    );
    const url = served.url;
    expect((await call(url, '/', { auth: 'alice:alice-password' })).status).toBe(200);
    // Unknown users are checked at cost 12: one check runs, one waits, the other four are refused.
    const guesses = [1, 2, 3, 4, 5, 6].map((n) => call(url, '/', { auth: `mallory:guess-${n}` }));
    const firstGuess = Promise.race(guesses);
    const refusedAtOnce = await firstGuess;
    expect([refusedAtOnce.status, refusedAtOnce.body]).toEqual([429, 'Too Many Requests\n']);
    const verified = call(url, '/', { auth: 'alice:alice-password' });
    const first = await Promise.race([
      verified.then(() => 'verified user'),
      Promise.all(guesses.slice(0, 2)).then(() => 'guess'),
    ]);
    expect(first).toBe('verified user');
    expect((await verified).status).toBe(200);
    const statuses = (await Promise.all(guesses)).map((answer: Answer) => answer.status).sort();
    expect(statuses).toEqual([401, 401, 429, 429, 429, 429]);
    const refusals = served.logs.filter((log) => log.msg === 'requests refused by basic auth or rate_limit');
    expect(refusals).toHaveLength(1); // once a minute at most
    expect(refusals[0]?.counts).toEqual({ checks_busy: 1 });
  });
});
