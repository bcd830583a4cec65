import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { configFromText } from '../../src/config/parse.js';
import { Discoverer } from '../../src/discovery/discoverer.js';
import { createLogger } from '../../src/logging.js';
import { ManualClock } from '../support/clock.js';

function settings() {
  const loaded = configFromText(
    `profiles:
  default: { endpoint: dms.example.com, discovery: { enabled: true, interval: 5m } }
`,
    'config.yaml',
    {},
  );
  if (!loaded.ok) throw new Error(loaded.error.join('\n'));
  const discovery = loaded.value.profiles.get('default')?.discovery;
  if (discovery === undefined) throw new Error('no discovery settings');
  return discovery;
}

describe('Discoverer', () => {
  it('logs a run that throws (a bug of ours) at error level and runs again next interval', async () => {
    const logs: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        logs.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
        done();
      },
    });
    const clock = new ManualClock();
    let runs = 0;
    const discoverer = new Discoverer({
      profile: 'default',
      tid: undefined,
      consoleUrl: undefined,
      settings: settings(),
      access: () => {
        runs++;
        throw new Error('access broke');
      },
      clock,
      api: {
        requestFinished: () => undefined,
        retried: () => undefined,
        rateLimitWaited: () => undefined,
      },
      recorder: { discoveryFinished: () => undefined, discoveryStopped: () => undefined },
      logger: createLogger('debug', 'json', sink),
      onChange: () => undefined,
    });
    discoverer.start();
    await expect.poll(() => logs.length).toBe(1);
    expect(logs[0]).toMatchObject({
      level: 'error',
      profile: 'default',
      msg: 'ticket discovery run failed',
      err: { message: 'access broke' },
    });
    expect(clock.pending).toBe(1);
    clock.advance(5 * 60_000);
    await expect.poll(() => logs.length).toBe(2);
    expect(runs).toBe(2);
    discoverer.stop();
    expect(clock.pending).toBe(0);
  });
});
