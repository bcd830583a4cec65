import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

// One headless Chromium driven over the DevTools protocol on a pipe (fd 3 in, fd 4 out, messages
// ended by a NUL byte). A launch costs about 2.5 s of CPU; pages opened in one browser cost little,
// so a test file starts one and opens a page per check.

/** Flags measured to work here: no sandbox as root, and no background traffic to the closed network. */
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--hide-scrollbars',
  '--remote-debugging-pipe',
];

/** Long enough for a page load on a busy machine; a hang fails the test instead of stalling it. */
const COMMAND_TIMEOUT_MS = 30_000;

export interface Chromium {
  /** A new tab with a `width` x `height` CSS-pixel viewport, showing `url` once its load event fired. */
  open(url: string, viewport: { width: number; height: number }): Promise<ChromiumPage>;
  close(): Promise<void>;
}

export interface ChromiumPage {
  /** The value of a JavaScript expression evaluated in the page (awaited if it is a promise). */
  evaluate<T>(expression: string): Promise<T>;
  /** The page's DOM as HTML, as `--dump-dom` prints it. */
  dom(): Promise<string>;
  /** A PNG of the viewport, as `--screenshot` takes it. */
  screenshot(): Promise<Buffer>;
  close(): Promise<void>;
}

type Message = {
  id?: number;
  method?: string;
  sessionId?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { message: string };
};

export async function launchChromium(): Promise<Chromium> {
  const profile = await mkdtemp(join(tmpdir(), 'chromium-'));
  const child = spawn('chromium', [...CHROMIUM_FLAGS, `--user-data-dir=${profile}`, 'about:blank'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'],
  });
  const toBrowser = child.stdio[3] as Writable;
  const fromBrowser = child.stdio[4] as Readable;
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));

  let gone: Error | undefined;
  const pending = new Map<number, { resolve: (m: Message) => void; reject: (e: Error) => void }>();
  const listeners = new Set<(m: Message) => void>();
  const fail = (error: Error): void => {
    gone ??= error;
    for (const { reject } of pending.values()) reject(gone);
    pending.clear();
  };
  child.on('error', (e) => fail(new Error(`chromium not runnable (install Debian chromium): ${e.message}`)));
  // A write to a browser that is gone: its exit (or failure to start) says why.
  toBrowser.on('error', () => undefined);
  const exited = new Promise<void>((resolve) =>
    child.on('close', (code) => {
      fail(new Error(`chromium exited ${code}: ${stderr}`));
      resolve();
    }),
  );

  let buffered = Buffer.alloc(0);
  fromBrowser.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    for (let end = buffered.indexOf(0); end >= 0; end = buffered.indexOf(0)) {
      const message = JSON.parse(buffered.subarray(0, end).toString('utf8')) as Message;
      buffered = buffered.subarray(end + 1);
      const waiting = message.id === undefined ? undefined : pending.get(message.id);
      if (waiting) {
        pending.delete(message.id!);
        waiting.resolve(message);
      }
      for (const listener of listeners) listener(message);
    }
  });

  let nextId = 0;
  async function send(
    method: string,
    params: Record<string, unknown> = {},
    sessionId?: string,
  ): Promise<Record<string, unknown>> {
    if (gone) throw gone;
    const id = ++nextId;
    const answer = new Promise<Message>((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`chromium did not answer ${method} within ${COMMAND_TIMEOUT_MS} ms`));
      }, COMMAND_TIMEOUT_MS);
      const settle =
        <A>(then: (a: A) => void) =>
        (a: A) => (clearTimeout(timer), then(a));
      pending.set(id, { resolve: settle(resolve), reject: settle(reject) });
    });
    toBrowser.write(`${JSON.stringify({ id, method, params, sessionId })}\0`);
    const message = await answer;
    if (message.error) throw new Error(`chromium: ${method}: ${message.error.message}`);
    return message.result ?? {};
  }

  /** Resolves on the first event `method` of `sessionId`; listen before the command that causes it. */
  function nextEvent(method: string, sessionId: string): Promise<void> {
    return new Promise((resolve) => {
      const listener = (m: Message): void => {
        if (m.method === method && m.sessionId === sessionId) {
          listeners.delete(listener);
          resolve();
        }
      };
      listeners.add(listener);
    });
  }

  async function open(url: string, viewport: { width: number; height: number }): Promise<ChromiumPage> {
    const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = (await send('Target.attachToTarget', { targetId, flatten: true })) as {
      sessionId: string;
    };
    await send('Page.enable', {}, sessionId);
    await send(
      'Emulation.setDeviceMetricsOverride',
      { ...viewport, deviceScaleFactor: 1, mobile: false },
      sessionId,
    );
    const loaded = nextEvent('Page.loadEventFired', sessionId);
    const navigated = await send('Page.navigate', { url }, sessionId);
    if (typeof navigated.errorText === 'string') throw new Error(`chromium: ${url}: ${navigated.errorText}`);
    await loaded;
    async function evaluate<T>(expression: string): Promise<T> {
      const evaluated = await send(
        'Runtime.evaluate',
        { expression, returnByValue: true, awaitPromise: true },
        sessionId,
      );
      const thrown = evaluated.exceptionDetails as { exception?: { description?: string } } | undefined;
      if (thrown) throw new Error(`in the page: ${thrown.exception?.description ?? 'an exception'}`);
      return (evaluated.result as { value: T }).value;
    }
    return {
      evaluate,
      // What --dump-dom prints: the doctype, then the root element's HTML.
      dom: () =>
        evaluate<string>(
          `(document.doctype ? new XMLSerializer().serializeToString(document.doctype) + '\\n' : '') + document.documentElement.outerHTML`,
        ),
      screenshot: async () =>
        Buffer.from(
          (await send('Page.captureScreenshot', { format: 'png' }, sessionId)).data as string,
          'base64',
        ),
      close: async () => void (await send('Target.closeTarget', { targetId })),
    };
  }

  async function close(): Promise<void> {
    const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    try {
      if (!gone) await send('Browser.close').catch(() => undefined);
      await exited;
    } finally {
      clearTimeout(killer);
      await rm(profile, { recursive: true, force: true });
    }
  }

  try {
    await send('Browser.getVersion');
  } catch (error) {
    child.kill('SIGKILL');
    await rm(profile, { recursive: true, force: true });
    throw error;
  }
  return { open, close };
}
