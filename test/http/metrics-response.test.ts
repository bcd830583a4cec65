import { request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import Koa from 'koa';
import { afterEach, describe, expect, it } from 'vitest';
import { setCompressibleBody } from '../../src/http/compress.js';
import { PROMETHEUS_2_ACCEPT, PROMETHEUS_3_ACCEPT } from '../support/scrape-headers.js';
import { startGoldenStack } from '../support/golden.js';
import { familyLines, type Stack } from '../support/stack.js';

interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** The bytes as sent, not decompressed (unlike fetch). */
  readonly wire: Buffer;
}

function get(url: string, headers: Record<string, string>): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, wire: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

const ORDER_FAMILIES = [
  'aliyun_dms_datatrack_up',
  'aliyun_dms_datatrack_job_status',
  'aliyun_dms_datatrack_order_info',
];

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

describe('GET /metrics over HTTP: format and compression', () => {
  it('answers Prometheus 3 with gzipped OpenMetrics, and curl with plain text', async () => {
    stack = await startGoldenStack();
    const url = `${stack.url}/metrics`;
    const prometheus = await get(url, { Accept: PROMETHEUS_3_ACCEPT, 'Accept-Encoding': 'gzip' });
    expect(prometheus.status).toBe(200);
    expect(prometheus.headers['content-type']).toBe(
      'application/openmetrics-text; version=1.0.0; charset=utf-8',
    );
    expect(prometheus.headers['content-encoding']).toBe('gzip');
    expect(prometheus.headers.vary).toBe('Accept, Accept-Encoding');
    expect(Number(prometheus.headers['content-length'])).toBe(prometheus.wire.length);
    const openMetrics = gunzipSync(prometheus.wire).toString('utf8');
    expect(openMetrics.endsWith('\n# EOF\n')).toBe(true);

    const curl = await get(url, { Accept: '*/*' });
    expect(curl.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(curl.headers['content-encoding']).toBeUndefined();
    expect(curl.headers.vary).toBe('Accept, Accept-Encoding');
    const text = curl.wire.toString('utf8');
    // Same orders, same lines: gauges read alike in both formats.
    expect(familyLines(openMetrics, ORDER_FAMILIES)).toBe(familyLines(text, ORDER_FAMILIES));
    expect(familyLines(text, ORDER_FAMILIES)).toContain('aliyun_dms_datatrack_up{order_id="104"} 1');
  });

  it.each([
    ['Prometheus 2', { Accept: PROMETHEUS_2_ACCEPT, 'Accept-Encoding': 'gzip' }, 'gzip', 'version=1.0.0'],
    [
      'a browser',
      { Accept: 'text/html,*/*;q=0.8', 'Accept-Encoding': 'gzip, deflate, br, zstd' },
      'gzip',
      'version=0.0.4',
    ],
    ['gzip refused', { Accept: '*/*', 'Accept-Encoding': 'gzip;q=0, identity' }, undefined, 'version=0.0.4'],
    ['no encoding', { Accept: 'application/openmetrics-text;version=0.0.1' }, undefined, 'version=0.0.1'],
  ])('%s', async (_who, headers, encoding, version) => {
    stack = await startGoldenStack();
    const response = await get(`${stack.url}/metrics`, headers);
    expect(response.headers['content-encoding']).toBe(encoding);
    expect(response.headers['content-type']).toContain(version);
    const body = (encoding === 'gzip' ? gunzipSync(response.wire) : response.wire).toString('utf8');
    expect(body).toContain('aliyun_dms_datatrack_order_info{order_id="101"');
  });
});

describe('setCompressibleBody', () => {
  it('sends a body that decompresses to exactly the text given', async () => {
    // Every byte class the metrics text can hold, long enough to compress in several blocks.
    const text = Array.from(
      { length: 5000 },
      (_, i) => `m{name="a\\"b\\\\c\\n中文🚀",i="${i}"} ${i / 7}\n`,
    ).join('');
    const app = new Koa();
    app.use(async (ctx) => {
      ctx.type = 'text/plain; version=0.0.4; charset=utf-8';
      await setCompressibleBody(ctx, Buffer.from(text));
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const gzipped = await get(url, { 'Accept-Encoding': 'gzip' });
      expect(gzipped.headers['content-encoding']).toBe('gzip');
      expect(gzipped.wire.length).toBeLessThan(Buffer.byteLength(text) / 5);
      expect(gunzipSync(gzipped.wire).toString('utf8')).toBe(text);
      const plain = await get(url, {});
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.headers.vary).toBe('Accept-Encoding');
      expect(plain.wire.toString('utf8')).toBe(text);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
