import { createHmac } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

// Raw HTTP helpers: capture what the real client sends, replay it byte for byte, hand-sign requests.

export interface CapturedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
}

/** A server that records every request and answers a plausible success, so the client is satisfied. */
export async function startCapture(): Promise<{
  endpoint: string;
  captured: CapturedRequest[];
  close(): Promise<void>;
}> {
  const captured: CapturedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      captured.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
      });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"RequestId":"captured","Success":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    captured,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Sends `captured` to `port` with the same method, URL, headers (Host included) and body. */
export function replay(
  port: number,
  captured: CapturedRequest,
  changes: Partial<CapturedRequest> = {},
): Promise<RawResponse> {
  const r = { ...captured, ...changes };
  return send(port, r.method, r.url, r.headers, r.body);
}

export function send(
  port: number,
  method: string,
  url: string,
  headers: IncomingHttpHeaders,
  body: Buffer = Buffer.alloc(0),
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const outgoing = { ...headers };
    delete outgoing['transfer-encoding'];
    outgoing['content-length'] = String(body.length);
    const req = httpRequest(
      { host: '127.0.0.1', port, method, path: url, headers: outgoing, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The `Code` of a gateway error body, or the text when it is not one. */
export function codeOf(response: RawResponse): string {
  try {
    const body = JSON.parse(response.text) as { Code?: unknown };
    return typeof body.Code === 'string' ? body.Code : response.text;
  } catch {
    return response.text;
  }
}

// An independent, minimal legacy-RPC signer, for requests the real client never sends
// (a malformed Timestamp).
function pct(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

export function signRpcQuery(params: Record<string, string>, secret: string, method = 'POST'): string {
  const canonical = Object.keys(params)
    .sort()
    .map((k) => `${pct(k)}=${pct(params[k] ?? '')}`)
    .join('&');
  const stringToSign = `${method}&${pct('/')}&${pct(canonical)}`;
  const signature = createHmac('sha1', `${secret}&`).update(stringToSign).digest('base64');
  return `${canonical}&Signature=${pct(signature)}`;
}
