/**
 * `dms-datatrack-exporter simulate`, the built CLI serving the DMS simulator package: its help, and
 * its scenario file's credentials taken again on SIGHUP, so a soak or a demo can rotate a key or an
 * STS token under a running simulator process.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SIMULATE_USAGE } from '../src/cli.js';
import { parseJson, runExporter, serveSimulator } from './support/process.js';
import { scenarioYaml } from './support/scenario.js';
import { callJobDegree } from './support/sdk-client.js';

const dir = mkdtempSync(join(tmpdir(), 'sim-credentials-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ORDER = '  - { id: 1, list: 1h, download: 1h, filter: 1h }';
const OLD = { id: 'LTAIrotateKey001', secret: 'old-secret-5Tg8' };
const NEW = { id: 'LTAIrotateKey001', secret: 'new-secret-2Wd6', token: 'CAIS-new-token-8Hq' };

describe('simulate --help', () => {
  it("prints the simulator's usage on stdout and exits 0", async () => {
    const result = await runExporter(['simulate', '--help']);
    expect(result).toEqual({ code: 0, stdout: SIMULATE_USAGE, stderr: '' });
    expect(result.stdout).toMatch(/^Usage: dms-datatrack-exporter simulate --scenario=FILE /);
  });

  it('answers a mistake with the same usage on stderr and exit code 2', async () => {
    const result = await runExporter(['simulate', '--scenario=s.yaml', '--nope']);
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: `error: Unknown option '--nope'\n\n${SIMULATE_USAGE}`,
    });
  });
});

describe('simulate, SIGHUP', () => {
  it('accepts the rotated key from then on, and refuses the old one', async () => {
    const file = join(dir, 'scenario.yaml');
    writeFileSync(file, scenarioYaml(ORDER, { keys: [OLD] }));
    const simulator = await serveSimulator(file);
    const endpoint = simulator.url.replace('http://', '');
    const ask = (key: { id: string; secret: string; token?: string }) =>
      callJobDegree(
        {
          endpoint,
          accessKeyId: key.id,
          accessKeySecret: key.secret,
          ...(key.token ? { securityToken: key.token } : {}),
        },
        { OrderId: 1 },
      );
    try {
      expect((await ask(OLD)).ok).toBe(true);
      writeFileSync(file, scenarioYaml(ORDER, { keys: [NEW] }));
      simulator.child.kill('SIGHUP');
      await simulator.waitForLine(
        (line) => (parseJson(line)?.msg === 'simulator credentials reloaded' ? true : undefined),
        10_000,
      );
      expect((await ask(NEW)).ok).toBe(true);
      expect(await ask(OLD)).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });

      writeFileSync(file, 'credentials: []\norders: []\n');
      simulator.child.kill('SIGHUP');
      await simulator.waitForLine(
        (line) =>
          parseJson(line)?.msg === 'scenario reload failed; keeping the credentials' ? true : undefined,
        10_000,
      );
      expect((await ask(NEW)).ok).toBe(true);
    } finally {
      await simulator.stop();
    }
  });
});
