import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type RunningSimulator } from 'dms-simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExporter } from '../support/process.js';
import { scenarioFromYaml } from '../support/scenario.js';
import { CHECK_SCENARIO, expectGoldenReport, normalisedReport } from '../support/check.js';

// --dms.check through the built CLI (node dist/main.js): stdout and the exit code, for the demo and
// for a configuration that takes its key from the environment, as the README's real-DMS steps do.

describe('dms-datatrack-exporter --dms.check (the built dist/main.js)', () => {
  let simulator: RunningSimulator;
  beforeAll(async () => {
    simulator = await startSimulator({ scenario: scenarioFromYaml(CHECK_SCENARIO) });
  });
  afterAll(() => simulator.close());

  it('passes against the demo simulator, with the report on stdout', async () => {
    const result = await runExporter(['--demo', '--dms.check', '--log.level=warn']);
    // The demo's key is made afresh at every start: its last four characters vary too.
    await expectGoldenReport(
      'demo',
      normalisedReport(result.stdout).replace(/LTAI\*{4}[0-9a-f]{4}/, 'LTAI****KEY_'),
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('exits 1 and names the RAM action when the key from the environment may not list tickets', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dms-check-'));
    const config = join(dir, 'config.yaml');
    await writeFile(
      config,
      `profiles:\n  default:\n    endpoint: '${simulator.endpoint}'\n    protocol: http\n    tid: 3000\n    discovery: { enabled: true, scope: AS_COMMITTER }\norders:\n  - { id: 1001 }\n`,
    );
    const result = await runExporter(['--dms.check', `--config.file=${config}`], {
      ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAIdeniedKey0002',
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'denied-secret-0002',
    });
    await expectGoldenReport('default-chain-denied', normalisedReport(result.stdout));
    expect(result.code).toBe(1);
  });
});
