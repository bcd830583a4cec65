/**
 * Strict routing as a client sees it: exact paths, 405 for methods a path does not take (TRACE, and
 * CONNECT, which Node hands over outside the request handler), HEAD /metrics without a DMS call, and
 * a scrape-timeout header read as plain decimal seconds only.
 */
import { readFileSync } from 'node:fs';
import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeCertDir, type CertDir } from '../support/certs.js';
import { scenarioFromYaml, scenarioYaml, startStack, type Stack } from '../support/stack.js';
import { call, serveWeb, webConfig, type WebServed } from '../support/web.js';

const CONFIG = `profiles:
  default: { endpoint: '\${SIM}', protocol: http, access_key_id: '\${AK_ID}', access_key_secret: '\${AK_SECRET}' }
scrape: { min_interval: 0s }
orders:
  - id: 1
  - id: 2
`;
const ORDERS = ['  - { id: 1, list: 1h, download: 1h, filter: 1h }', '  - { id: 2, list: 1h }'];
const CONNECT =
  'CONNECT dms-enterprise.aliyuncs.com:443 HTTP/1.1\r\nHost: dms-enterprise.aliyuncs.com:443\r\n\r\n';

let stack: Stack | undefined;
let served: WebServed | undefined;
afterEach(async () => {
  await stack?.close();
  await served?.close();
  stack = served = undefined;
});

async function withOrders(): Promise<Stack> {
  return startStack({ scenario: scenarioFromYaml(scenarioYaml(ORDERS)), configText: CONFIG });
}

/** Everything the server writes on `socket` after `request`, until it closes the connection. */
function exchange(socket: Socket, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
    socket.setTimeout(10_000, () => socket.destroy(new Error(`connection still open; so far: ${answer}`)));
    socket.write(request);
  });
}

function expectConnectRefused(answer: string): void {
  const [head = '', body] = answer.split('\r\n\r\n');
  const lines = head.split('\r\n');
  expect(lines[0]).toBe('HTTP/1.1 405 Method Not Allowed');
  expect(lines).toContain('Allow: GET, HEAD, OPTIONS, POST');
  expect(lines).toContain('Connection: close');
  expect(body).toBe('Method Not Allowed\n');
}

describe('paths are exact', () => {
  it.each(['/METRICS', '/metrics/', '/Metrics', '/metrics//'])(
    '%s is 404, without a DMS call',
    async (path) => {
      stack = await withOrders();
      const answer = await fetch(`${stack.url}${path}`);
      expect(answer.status).toBe(404);
      expect(stack.simulator.callCount()).toBe(0);
    },
  );
});

describe('methods', () => {
  it('answers TRACE with 405 and the methods the path takes', async () => {
    stack = await withOrders();
    for (const path of ['/metrics', '/', '/-/healthy']) {
      const answer = await call(stack.url, path, { method: 'TRACE' });
      expect([path, answer.status, answer.headers.allow]).toEqual([path, 405, 'HEAD, GET']);
    }
    expect((await call(stack.url, '/nope', { method: 'TRACE' })).status).toBe(404);
    expect(stack.simulator.callCount()).toBe(0);
  });

  it('answers CONNECT with 405 and closes the connection (plain HTTP)', async () => {
    stack = await withOrders();
    const { port } = new URL(stack.url);
    expectConnectRefused(await exchange(connectTcp(Number(port), '127.0.0.1'), CONNECT));
    // The server is still there for everyone else.
    expect((await fetch(`${stack.url}/-/healthy`)).status).toBe(200);
  });

  describe('over TLS', () => {
    let certs: CertDir;
    beforeAll(() => {
      certs = makeCertDir();
      certs.makeCa('ca');
      certs.makeLeaf('server', 'ca', 'DNS:localhost,IP:127.0.0.1');
    });
    afterAll(() => certs.remove());

    it('answers CONNECT with 405 and closes the connection (HTTPS)', async () => {
      served = await serveWeb(
        webConfig(
          certs.path('web.yml'),
          'tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n',
        ),
      );
      const ca = readFileSync(certs.path('ca.crt'));
      const socket = connectTls({ host: '127.0.0.1', port: served.server.port, ca, servername: 'localhost' });
      expectConnectRefused(await exchange(socket, CONNECT));
    });
  });

  it('answers HEAD /metrics without asking DMS, and GET still asks', async () => {
    stack = await withOrders();
    const head = await fetch(`${stack.url}/metrics`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(stack.simulator.callCount()).toBe(0);
    const bad = await fetch(`${stack.url}/metrics`, {
      method: 'HEAD',
      headers: { 'X-Prometheus-Scrape-Timeout-Seconds': '0x10' },
    });
    expect(bad.status).toBe(400);
    expect(stack.simulator.callCount()).toBe(0);
    const get = await stack.scrape();
    expect(get.status).toBe(200);
    expect(stack.simulator.callCount()).toBe(2);
    // HEAD announces the body a GET would send.
    expect(get.contentType).toMatch(/^text\/plain/);
    expect(head.headers.get('content-type')).toBe(get.contentType);
  });
});

describe('X-Prometheus-Scrape-Timeout-Seconds', () => {
  it.each(['0x10', '1e1', '+5', 'Infinity', '-1'])('refuses %j with 400 and says why', async (value) => {
    stack = await withOrders();
    const answer = await stack.scrape({ 'X-Prometheus-Scrape-Timeout-Seconds': value });
    expect(answer).toMatchObject({
      status: 400,
      text: `invalid X-Prometheus-Scrape-Timeout-Seconds header "${value}": send a positive number of seconds such as 10 or 9.5, or leave the header out for scrape.timeout\n`,
    });
    expect(stack.simulator.callCount()).toBe(0);
  });

  it('takes decimal seconds as Prometheus writes them', async () => {
    stack = await withOrders();
    const answer = await stack.scrape({ 'X-Prometheus-Scrape-Timeout-Seconds': '2.5' });
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('aliyun_dms_datatrack_scrape_timeout_seconds 2\n');
  });
});
