/**
 * Sharding past one Prometheus: two real Prometheus servers run the shipped prometheus/sharded.yml
 * (shard 0 and shard 1, modulus 2) against one exporter with 10 orders. Each must scrape a disjoint
 * set of /probe targets, together all 10, with the same `up` answers one /metrics scrape gives.
 * The exporter and the simulator run in this process (the exporter built as main.ts builds it): what
 * is tested is the shipped Prometheus configuration, and two more processes would add only start-up.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGoServer, type Program } from '../support/process.js';
import { promQuery, waitFor } from '../support/services.js';
import { scenarioFromYaml, scenarioYaml, startStack, type Stack } from '../support/stack.js';

const ORDERS = Array.from({ length: 10 }, (_, i) => 701 + i);
const cleanups: Array<() => Promise<unknown>> = [];
const servers: Array<{ url: string; program: Program }> = [];
let exporter: Stack;
let dir = '';

/** The shipped file with this test's addresses, a fast interval, and the given shard number. */
function shardConfig(shipped: string, exporterAddress: string, shard: number): string {
  return shipped
    .replace(/rule_files:\n {2}- alerts\.yml\n/, '')
    .replace(/scrape_interval: 60s/g, 'scrape_interval: 1s')
    .replace(/scrape_timeout: 15s/g, 'scrape_timeout: 1s')
    .replace(/refresh_interval: 1m/, 'refresh_interval: 1s')
    .replace(/localhost:10036/g, exporterAddress)
    .replace("regex: '0' # SHARD", `regex: '${shard}' # SHARD`);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dms-shards-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const scenario = scenarioYaml(
    ORDERS.map((id) => `  - { id: ${id}, list: 1h${id === 705 ? ', fault: { kind: business_error }' : ''} }`),
  );
  exporter = await startStack({
    scenario: scenarioFromYaml(scenario),
    configText: `profiles:
  default: { endpoint: '\${SIM}', protocol: http, access_key_id: '\${AK_ID}', access_key_secret: '\${AK_SECRET}' }
orders:
${ORDERS.map((id) => `  - id: ${id}`).join('\n')}
`,
  });
  cleanups.push(() => exporter.close());
  const shipped = await readFile('prometheus/sharded.yml', 'utf8');
  for (const shard of [0, 1]) {
    const file = join(dir, `prometheus-${shard}.yml`);
    await writeFile(file, shardConfig(shipped, exporter.url.replace('http://', ''), shard));
    const { program, port } = await startGoServer(`prometheus-${shard}`, 'prometheus', (listenPort) => [
      `--config.file=${file}`,
      `--storage.tsdb.path=${join(dir, `data-${shard}`)}`,
      `--web.listen-address=127.0.0.1:${listenPort}`,
    ]);
    cleanups.push(() => program.stop());
    servers.push({ url: `http://127.0.0.1:${port}`, program });
  }
  // Every target of both shares scraped at least once (discovery through /sd, then one scrape each).
  await waitFor(
    'both servers to have scraped their shares',
    async () => {
      const counts = await Promise.all(servers.map(({ url }) => promQuery(url, 'aliyun_dms_datatrack_up')));
      return counts.reduce((sum, up) => sum + up.length, 0) >= ORDERS.length ? true : undefined;
    },
    30_000,
  ).catch((err: Error) => {
    throw new Error(`${err.message}\n${servers.map((s) => s.program.output().slice(-1500)).join('\n')}`);
  });
}, 60_000);

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

describe('two Prometheus servers sharing one exporter through /sd and /probe', () => {
  it('split the orders into disjoint shares that together are every order, as /metrics sees them', async () => {
    const shares = await Promise.all(
      servers.map(async ({ url }) => {
        const up = await promQuery(url, 'aliyun_dms_datatrack_up');
        return new Map(up.map((s) => [s.metric.order_id ?? '', s.value[1]]));
      }),
    );
    const [first = new Map<string, string>(), second = new Map<string, string>()] = shares;
    expect(first.size).toBeGreaterThan(0);
    expect(second.size).toBeGreaterThan(0);
    expect([...first.keys()].filter((id) => second.has(id))).toEqual([]);
    const union = new Map([...first, ...second]);
    const metrics = await (await fetch(`${exporter.url}/metrics`)).text();
    const direct = new Map(
      [...metrics.matchAll(/^aliyun_dms_datatrack_up\{order_id="(\d+)"\} (\d)$/gm)].map((m) => [
        m[1] ?? '',
        m[2] ?? '',
      ]),
    );
    expect([...union.keys()].sort()).toEqual(ORDERS.map(String));
    expect(new Map([...union].sort())).toEqual(new Map([...direct].sort()));
    expect(direct.get('705')).toBe('0');
  });

  it('scrape the exporter metrics through their own job', async () => {
    for (const { url } of servers) {
      const build = await waitFor(
        'the exporter-metrics job',
        async () => {
          const result = await promQuery(
            url,
            'aliyun_dms_datatrack_exporter_build_info{job="dms-datatrack-exporter"}',
          );
          return result.length > 0 ? result : undefined;
        },
        20_000,
      );
      expect(build).toHaveLength(1);
    }
  });
});
