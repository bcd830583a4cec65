/**
 * The shipped TLS examples with a real Prometheus: the exporter serving with
 * prometheus/web-config.yml, scraped by a real Prometheus with the job of
 * prometheus/prometheus-tls.yml (only the target and interval changed), and by a copy of that job
 * with a wrong password, which must fail with 401. The exporter runs in this process, built as
 * main.ts builds it and serving real TLS: what is tested is the shipped pair of files
 * (test/main.test.ts starts the built CLI with --web.config.file).
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCertDir, type CertDir } from '../support/certs.js';
import { readWebConfigFile } from '../../src/web/load.js';
import { startGoServer, type Program } from '../support/process.js';
import { waitFor } from '../support/services.js';
import { scenarioFromYaml, scenarioYaml, startStack, type Stack } from '../support/stack.js';

interface Target {
  labels: { job: string };
  health: string;
  lastError: string;
}

let certs: CertDir;
let exporter: Stack | undefined;
let prometheus: Program | undefined;
let prometheusUrl = '';

async function targets(): Promise<Target[]> {
  const response = await fetch(`${prometheusUrl}/api/v1/targets`);
  return ((await response.json()) as { data: { activeTargets: Target[] } }).data.activeTargets;
}

beforeAll(async () => {
  certs = makeCertDir('dms-e2e-tls-');
  certs.makeCa('exporter-ca');
  certs.makeLeaf('exporter', 'exporter-ca', 'DNS:localhost,IP:127.0.0.1');
  copyFileSync('prometheus/web-config.yml', certs.path('web-config.yml'));
  writeFileSync(certs.path('dms-exporter.password'), 'change-me\n');
  writeFileSync(certs.path('wrong.password'), 'not-the-password\n');
  const web = readWebConfigFile(certs.path('web-config.yml'));
  if (!web.ok) throw new Error(web.error.join('\n'));
  exporter = await startStack({
    scenario: scenarioFromYaml(scenarioYaml(['  - { id: 1, list: 1h }'])),
    configText: `profiles:
  default: { endpoint: '\${SIM}', protocol: http, access_key_id: '\${AK_ID}', access_key_secret: '\${AK_SECRET}' }
orders: [{ id: 1 }]
`,
    web: web.value,
  });
  const port = exporter.url.split(':').pop() ?? '';

  const job = readFileSync('prometheus/prometheus-tls.yml', 'utf8')
    .replace("['localhost:10036']", `['localhost:${port}']`)
    .replace('scrape_interval: 60s', 'scrape_interval: 1s')
    .replace('scrape_timeout: 15s', 'scrape_timeout: 1s');
  const wrongJob = job
    .replace('scrape_configs:\n', '')
    .replace('job_name: dms-datatrack', 'job_name: wrong-password')
    .replace('password_file: dms-exporter.password', 'password_file: wrong.password');
  writeFileSync(certs.path('prometheus.yml'), `${job}${wrongJob}`);
  const started = await startGoServer('prometheus', 'prometheus', (port) => [
    `--config.file=${certs.path('prometheus.yml')}`,
    `--storage.tsdb.path=${certs.path('prom-data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
  ]);
  prometheus = started.program;
  prometheusUrl = `http://127.0.0.1:${started.port}`;
  // The right job's first scrape logs in (a bcrypt check at cost 10) within the 1 s scrape
  // timeout set here, while the wrong job's checks use the same worker: on a loaded machine it may
  // time out once, and the next scrape, its login remembered, is up.
  await waitFor(
    'Prometheus to scrape both jobs, the right one successfully',
    async () => {
      const all = await targets();
      const right = all.find((t) => t.labels.job === 'dms-datatrack');
      return all.length === 2 && all.every((t) => t.health !== 'unknown') && right?.health === 'up'
        ? true
        : undefined;
    },
    30_000,
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n${prometheus?.output().slice(-3000) ?? ''}`);
  });
}, 60_000);

afterAll(async () => {
  await prometheus?.stop();
  await exporter?.close();
  certs.remove();
});

describe('Prometheus scraping the exporter over TLS with basic auth (shipped examples)', () => {
  it('scrapes with the right password, and gets 401 with a wrong one', async () => {
    // One scrape of a busy machine can miss the 1 s timeout (the wrong password's check takes as
    // long as a right one's, by design): each job is judged once a scrape of it has answered, or as
    // it stands at the deadline.
    const answered = async () => {
      const all = await targets();
      const right = all.find((t) => t.labels.job === 'dms-datatrack');
      const wrong = all.find((t) => t.labels.job === 'wrong-password');
      return (right?.health === 'up' && wrong?.lastError.includes('401')) || undefined;
    };
    await waitFor('a scrape of each job to be answered', answered, 20_000).catch(() => undefined);
    const byJob = new Map((await targets()).map((t) => [t.labels.job, t]));
    expect(byJob.get('dms-datatrack')).toMatchObject({ health: 'up', lastError: '' });
    expect(byJob.get('wrong-password')?.health).toBe('down');
    expect(byJob.get('wrong-password')?.lastError).toContain('401');
  });
});
