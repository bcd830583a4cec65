import { afterEach, describe, expect, it } from 'vitest';
import { call, serveWeb, type WebServed } from '../support/web.js';

let served: WebServed | undefined;
afterEach(async () => {
  await served?.close();
  served = undefined;
});

const reload = (headers: Record<string, string> = {}) =>
  call(served!.url, '/-/reload', { method: 'POST', headers });

describe('POST /-/reload', () => {
  it('is refused with 403, as in Prometheus, without --web.enable-lifecycle', async () => {
    served = await serveWeb(undefined);
    const answer = await reload();
    expect(answer.status).toBe(403);
    expect(answer.body).toBe(
      'Lifecycle API is not enabled.\nStart the exporter with --web.enable-lifecycle, or send it SIGHUP to reload.\n',
    );
    expect(served.logs.map((log) => log.msg)).not.toContain('config reloaded');
  });

  it('reloads with --web.enable-lifecycle, from curl-like clients and same-origin pages', async () => {
    served = await serveWeb(undefined, { enableLifecycle: true });
    expect((await reload()).body).toBe('Config reloaded\n');
    expect((await reload({ 'Content-Type': 'application/json' })).status).toBe(200);
    const origin = served.url;
    expect((await reload({ Origin: origin, 'Sec-Fetch-Site': 'same-origin' })).status).toBe(200);
    expect((await reload({ 'Sec-Fetch-Site': 'none' })).status).toBe(200);
  });

  it('refuses cross-site browser requests (CSRF) even when enabled', async () => {
    served = await serveWeb(undefined, { enableLifecycle: true });
    const crossSite: Array<Record<string, string>> = [
      { Origin: 'https://evil.example' },
      { Origin: 'null' },
      { Origin: served.url.replace('127.0.0.1', 'localhost') },
      // This host and port under the other scheme, and this host on another port.
      { Origin: served.url.replace('http://', 'https://') },
      { Origin: 'http://127.0.0.1:1' },
      { 'Sec-Fetch-Site': 'cross-site' },
      // Another port on the same host is the same site to a browser, but not the same origin.
      { 'Sec-Fetch-Site': 'same-site' },
    ];
    for (const headers of crossSite) {
      const answer = await reload(headers);
      expect(answer.status, JSON.stringify(headers)).toBe(403);
      expect(answer.body).toBe('Cross-site requests to lifecycle endpoints are refused.\n');
    }
  });

  it('refuses the bodies an HTML form can send without a CORS preflight', async () => {
    served = await serveWeb(undefined, { enableLifecycle: true });
    for (const type of [
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'text/plain;charset=UTF-8',
    ]) {
      const answer = await reload({ 'Content-Type': type });
      expect(answer.status, type).toBe(415);
      expect(answer.body).toMatch(/^Content-Type [a-z/-]+ is refused on lifecycle endpoints/);
    }
  });

  it('still answers 405 to other methods', async () => {
    served = await serveWeb(undefined, { enableLifecycle: true });
    const answer = await call(served.url, '/-/reload');
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe('POST');
  });
});
