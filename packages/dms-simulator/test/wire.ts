import {
  request as httpRequest,
  type Agent,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
} from 'node:http';

// Raw HTTP: send a request exactly as built (Host included), or again with changes (a replay, a
// tampered copy), and read the answer as text.

export interface RawRequest {
  readonly method: string;
  /** Path and query, as sent: `/?OrderId=1`. */
  readonly url: string;
  readonly headers: OutgoingHttpHeaders;
  readonly body: Buffer;
}

export interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
}

export interface SendOptions {
  /** A kept-alive agent, as a real client pools its sockets; default: one connection per request. */
  readonly agent?: Agent;
  /** Rejects with Error('timed out') when no whole answer came within this long. */
  readonly timeoutMs?: number;
}

/** Sends `request` (with `changes`) to the simulator on loopback `port`. */
export function send(
  port: number,
  request: RawRequest,
  changes: Partial<RawRequest> = {},
  options: SendOptions = {},
): Promise<RawResponse> {
  const { method, url, headers, body } = { ...request, ...changes };
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method,
        path: url,
        headers: { ...headers, 'content-length': String(body.length) },
        agent: options.agent ?? false,
      },
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
    if (options.timeoutMs !== undefined) {
      req.setTimeout(options.timeoutMs, () => req.destroy(new Error('timed out')));
    }
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
