import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createRateLimiter, parseGoDuration } from '../../src/web/rate-limit.js';
import { TOO_MANY_HOLD_MS } from '../../src/web/refusal.js';
import { webConfigFromText } from '../../src/web/load.js';
import { ManualClock } from '../support/clock.js';
import { call, serveGated, webConfig, webTestBed } from '../support/web.js';

const ALICE = '$2y$04$mEAp0wdZP/4CbJb4pkp/yOl0/Uq2bK7rafbLruX3cJPc9j6Uqu4oa'; // alice-password

describe('parseGoDuration', () => {
  it("reads Go's time.ParseDuration notation, in milliseconds", () => {
    const cases: Array<[string, number]> = [
      ['0', 0],
      ['0s', 0],
      ['1s', 1_000],
      ['100ms', 100],
      ['1.5m', 90_000],
      ['1h30m', 5_400_000],
      ['2h45m10.5s', 9_910_500],
      ['.5s', 500],
      ['1.s', 1_000],
      ['1000us', 1],
      ['1000µs', 1],
      ['2000000ns', 2],
      ['+1s', 1_000],
      ['1s1s', 2_000],
      ['-1s', -1_000],
    ];
    for (const [text, ms] of cases) expect(parseGoDuration(text), text).toBeCloseTo(ms, 9);
  });

  it('refuses what Go refuses: no unit, unknown units (Prometheus d, w, y), blanks', () => {
    for (const text of ['', '1', '00', 's', '.s', '1d', '1w', '1y', '1 s', '1S', '1sec', '1..5s', '-'])
      expect(parseGoDuration(text), text).toBeUndefined();
  });
});

describe('createRateLimiter', () => {
  it('starts with burst tokens and adds one per interval, never more than burst', () => {
    const clock = new ManualClock();
    const take = createRateLimiter({ intervalMs: 100, burst: 3 }, clock);
    expect([take(), take(), take(), take()]).toEqual([true, true, true, false]);
    clock.advance(99);
    expect(take()).toBe(false);
    clock.advance(1);
    expect([take(), take()]).toEqual([true, false]);
    clock.advance(10_000);
    expect([take(), take(), take(), take()]).toEqual([true, true, true, false]);
  });
});

describe('rate_limit in the web config', () => {
  const settings = (text: string) => {
    const loaded = webConfigFromText(text, 'web.yml', '.');
    return loaded.ok ? loaded.value.settings.rateLimit : loaded.error;
  };

  it('is off when left out, when empty, or with interval 0', () => {
    expect(settings('')).toBeUndefined();
    expect(settings('rate_limit:\n')).toBeUndefined();
    expect(settings('rate_limit: {}\n')).toBeUndefined();
    expect(settings('rate_limit: { interval: 0, burst: 0 }\n')).toBeUndefined();
    expect(settings("rate_limit: { interval: '0s' }\n")).toBeUndefined();
  });

  it('takes the interval as a Go duration and the burst as a count', () => {
    expect(settings('rate_limit: { interval: 1s, burst: 20 }\n')).toEqual({ intervalMs: 1_000, burst: 20 });
    expect(settings("rate_limit: { interval: '1m30s', burst: 1 }\n")).toEqual({
      intervalMs: 90_000,
      burst: 1,
    });
  });
});

describe('rate_limit over HTTP', () => {
  const { file, started } = webTestBed('dms-web-rate-');

  it('without basic auth, limits every request as the toolkit does: 429 once the bucket is empty', async () => {
    const clock = new ManualClock(Date.now());
    const served = started(
      await serveGated(webConfig(file, 'rate_limit: { interval: 1m, burst: 2 }\n'), {
        clock,
        tooManyHoldMs: 0,
      }),
    );
    const statuses = async (n: number) => {
      const answers = [];
      for (let i = 0; i < n; i++) answers.push(await call(served.url, '/'));
      return answers.map((answer) => answer.status);
    };
    expect(await statuses(3)).toEqual([200, 200, 429]);
    expect((await call(served.url, '/')).body).toBe('Too Many Requests\n');
    clock.advance(60_000);
    expect(await statuses(2)).toEqual([200, 429]);
    const refusals = served.logs.filter((log) => log.msg === 'requests refused by basic auth or rate_limit');
    // Logged the first time, then at most once a minute with the count since the line before.
    expect(refusals.map((log) => log.counts)).toEqual([{ rate_limited: 1 }, { rate_limited: 2 }]);
  });

  it('with basic auth, never holds back a user whose credentials were verified', async () => {
    const clock = new ManualClock(Date.now());
    const config = `rate_limit: { interval: 1h, burst: 2 }\nbasic_auth_users:\n  alice: '${ALICE}'\n`;
    const served = started(await serveGated(webConfig(file, config), { clock, tooManyHoldMs: 0 }));
    const get = (auth?: string) => call(served.url, '/', auth === undefined ? {} : { auth });
    expect((await get('alice:alice-password')).status).toBe(200); // the login takes a token
    expect((await get()).status).toBe(401); // so does a request without credentials
    expect((await get()).status).toBe(429);
    expect((await get('alice:wrong')).status).toBe(429);
    expect((await get('mallory:alice-password')).status).toBe(429);
    for (let i = 0; i < 5; i++) expect((await get('alice:alice-password')).status).toBe(200);
  });

  it('holds a 429 for a second before sending it, while a verified user is answered at once', async () => {
    const config = `rate_limit: { interval: 1h, burst: 1 }\nbasic_auth_users:\n  alice: '${ALICE}'\n`;
    const served = started(await serveGated(webConfig(file, config), {}));
    expect((await call(served.url, '/', { auth: 'alice:alice-password' })).status).toBe(200);
    const sent = performance.now();
    const refused = call(served.url, '/').then((answer) => ({ ...answer, ms: performance.now() - sent }));
    const verified = await call(served.url, '/', { auth: 'alice:alice-password' });
    const verifiedMs = performance.now() - sent;
    const { status, ms } = await refused;
    expect([verified.status, status]).toEqual([200, 429]);
    expect(ms).toBeGreaterThanOrEqual(TOO_MANY_HOLD_MS - 1);
    expect(verifiedMs).toBeLessThan(ms);
  });

  it('takes a changed rate_limit at the next request, with a full bucket', async () => {
    const clock = new ManualClock(Date.now());
    const served = started(
      await serveGated(webConfig(file, 'rate_limit: { interval: 1h, burst: 1 }\n'), {
        clock,
        tooManyHoldMs: 0,
      }),
    );
    expect((await call(served.url, '/')).status).toBe(200);
    expect((await call(served.url, '/')).status).toBe(429);
    writeFileSync(file, 'rate_limit: { interval: 1h, burst: 3 }\n');
    const after = [];
    for (let i = 0; i < 4; i++) after.push((await call(served.url, '/')).status);
    expect(after).toEqual([200, 200, 200, 429]);
    writeFileSync(file, '');
    expect((await call(served.url, '/')).status).toBe(200);
  });
});
