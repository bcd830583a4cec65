import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { listen } from '../../src/util/http-server.js';

/**
 * What the gateway does with a request: pass it to the simulator; keep it until the test releases
 * it; drop the connection (a network failure); or answer 502 with an HTML page, as a proxy in front
 * of DMS would (a 5xx that carries no Alibaba code).
 */
export type GatewayMode = 'forward' | 'hold' | 'reset' | 'bad_gateway';

/** A request the gateway keeps. */
export interface HeldRequest {
  /** Resolves when the exporter gives the request up (closes it before any answer). */
  readonly abandoned: Promise<void>;
  /** Sends it on to the simulator. */
  release(): void;
}

/**
 * A loopback HTTP server between the exporter and the simulator: the path to DMS, with the faults
 * the simulator cannot make itself (it answers every request it gets) and a gate the test opens by
 * hand, so a test can hold a call in flight as long as it needs instead of sleeping.
 */
export interface Gateway {
  /** host:port, for a profile's `endpoint`. */
  readonly endpoint: string;
  /** What requests arriving from now on meet. */
  mode: GatewayMode;
  /** The DMS actions `mode` applies to (every one when undefined); other requests are passed on. */
  actions: ReadonlySet<string> | undefined;
  /** Where `forward` sends requests (the simulator's endpoint); requests wait until it is given. */
  forwardTo(endpoint: string): void;
  /** Requests received so far (of one DMS action, if given), whatever their fate. */
  received(action?: string): number;
  /** Resolves with the `n`th request held (counting from 1), once it has arrived. */
  held(n: number): Promise<HeldRequest>;
  close(): Promise<void>;
}

const BAD_GATEWAY_PAGE = '<html><body><h1>502 Bad Gateway</h1></body></html>\n';

export async function startGateway(mode: GatewayMode = 'forward'): Promise<Gateway> {
  const heldRequests: HeldRequest[] = [];
  const waiters = new Map<number, (held: HeldRequest) => void>();
  const received: string[] = [];
  let setTarget: (endpoint: string) => void = () => undefined;
  const target = new Promise<string>((resolve) => (setTarget = resolve));

  const forward = (req: IncomingMessage, res: ServerResponse): void =>
    void target.then((endpoint) => {
      const [host, port] = endpoint.split(':');
      const { method, url: path, headers } = req;
      const upstream = request({ host, port, method, path, headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    });

  const hold = (req: IncomingMessage, res: ServerResponse): void => {
    const abandoned = new Promise<void>((resolve) =>
      res.on('close', () => {
        if (!res.writableFinished) resolve();
      }),
    );
    const held: HeldRequest = { abandoned, release: () => forward(req, res) };
    heldRequests.push(held);
    waiters.get(heldRequests.length)?.(held);
  };

  const server = createServer((req, res) => {
    const action = actionOf(req);
    received.push(action);
    const mode = gateway.actions?.has(action) === false ? 'forward' : gateway.mode;
    if (mode === 'forward') return forward(req, res);
    if (mode === 'hold') return hold(req, res);
    if (gateway.mode === 'reset') return void req.socket.destroy();
    req.resume();
    res.writeHead(502, { 'content-type': 'text/html' }).end(BAD_GATEWAY_PAGE);
  });
  const listening = await listen(server, { host: '127.0.0.1', port: 0 });

  const gateway: Gateway = {
    endpoint: listening.address,
    mode,
    actions: undefined,
    forwardTo: (endpoint) => setTarget(endpoint),
    received: (action) => received.filter((a) => action === undefined || a === action).length,
    held(n) {
      const held = heldRequests[n - 1];
      if (held !== undefined) return Promise.resolve(held);
      return new Promise((resolve) => waiters.set(n, resolve));
    },
    close: () => listening.close(0),
  };
  return gateway;
}

/** The DMS action a request asks for: ACS3 names it in a header, the legacy RPC signature in the query. */
function actionOf(req: IncomingMessage): string {
  const header = req.headers['x-acs-action'];
  if (typeof header === 'string') return header;
  return new URL(req.url ?? '/', 'http://gateway').searchParams.get('Action') ?? '';
}
