/**
 * No leftover timers or sockets after a scrape: the exporter and the simulator as separate
 * processes, 250 orders, and the exporter's own process metrics (prom-client's active handles and
 * resources) read before and after.
 *
 * 250 calls through 10 slots keep "one per call" (250) and "one per concurrent call" (at most 13
 * sockets, under 10 timers) more than an order of magnitude apart; more orders only cost CPU.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serveExporter, serveSimulator, type Serving } from '../support/process.js';
import { TEST_KEY, sampleValue, scenarioYaml } from '../support/stack.js';

const ORDERS = 250;
const CONCURRENCY = 10;
const running: Serving[] = [];
let dir = '';
afterAll(async () => {
  for (const program of running) await program.stop();
  if (dir !== '') await rm(dir, { recursive: true, force: true });
});

describe('after a scrape of 250 orders', () => {
  it('holds no timer per call and at most one idle socket per concurrent call', async () => {
    dir = await mkdtemp(join(tmpdir(), 'dms-resources-'));
    const ids = Array.from({ length: ORDERS }, (_, i) => i + 1);
    const scenario = join(dir, 'scenario.yaml');
    await writeFile(scenario, scenarioYaml(ids.map((id) => `  - { id: ${id}, list: 1h }`)));
    const simulator = await serveSimulator(scenario);
    running.push(simulator);
    const config = join(dir, 'config.yaml');
    await writeFile(
      config,
      `profiles:
  default: { endpoint: '${simulator.url.replace('http://', '')}', protocol: http, access_key_id: ${TEST_KEY.accessKeyId}, access_key_secret: ${TEST_KEY.accessKeySecret} }
scrape: { concurrency: ${CONCURRENCY}, min_interval: 1h, timeout: 60s }
orders:
${ids.map((id) => `  - id: ${id}`).join('\n')}
`,
    );
    const exporter = await serveExporter([`--config.file=${config}`]);
    running.push(exporter);
    const scrape = async (): Promise<string> => (await fetch(`${exporter.url}/metrics`)).text();
    // prom-client writes a series per type in use: once the family's total is there, a type without a
    // series has none. Without the total the family is gone, and no bound below could be trusted.
    const byType =
      (family: string) =>
      (text: string, type: string): number => {
        expect(sampleValue(text, `${family}_total`), `${family}_total`).toBeGreaterThan(0);
        return sampleValue(text, `${family}{type="${type}"}`) ?? 0;
      };
    const resources = byType('nodejs_active_resources');
    const handles = byType('nodejs_active_handles');

    const first = await scrape(); // 250 DMS calls
    expect(
      sampleValue(first, 'aliyun_dms_datatrack_api_requests_total{action="GetDataTrackJobDegree"}'),
    ).toBe(ORDERS);
    expect(first.match(/^aliyun_dms_datatrack_up\{[^}]*\} 1$/gm)).toHaveLength(ORDERS);
    const after = await scrape(); // answered from memory (min_interval): reads the state the first left
    expect(
      sampleValue(after, 'aliyun_dms_datatrack_api_requests_total{action="GetDataTrackJobDegree"}'),
    ).toBe(ORDERS);
    // A transport that keeps a read timer per call until its timeout runs out would show 250 here.
    expect(resources(after, 'Timeout')).toBeLessThan(10);
    // Pooled keep-alive sockets to the simulator, plus the listening socket and this scrape's.
    expect(handles(after, 'Socket')).toBeLessThanOrEqual(CONCURRENCY + 3);
    // The sockets are counted at all: the connection of the scrape being answered is one of them.
    expect(handles(after, 'Socket')).toBeGreaterThanOrEqual(1);
    expect(resources(after, 'TCPSocketWrap')).toBeGreaterThanOrEqual(1);
  });
});
