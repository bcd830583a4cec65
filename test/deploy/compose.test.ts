/**
 * compose.yaml cannot be run here (no container engine), so this checks what would break it: a
 * mounted file that does not exist, ports or names that do not line up between the services, and
 * configs that Prometheus or Alertmanager would reject. The configs are checked by promtool and
 * amtool in a directory laid out the way the containers see their mounts.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { IMAGE, METRICS_PORT, SCRAPE_JOB } from '../../deploy/src/constants.js';
import { runTool } from '../support/promtool.js';

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  ports?: string[];
  volumes?: string[];
}
interface ScrapeConfig {
  job_name: string;
  scrape_interval?: string;
  scrape_timeout?: string;
  static_configs: { targets: string[] }[];
}
interface PrometheusConfig {
  rule_files: string[];
  alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] };
  scrape_configs: ScrapeConfig[];
}

const compose = parse(readFileSync('compose.yaml', 'utf8')) as { services: Record<string, ComposeService> };
const services = compose.services;

function service(name: string): ComposeService {
  const found = services[name];
  if (found === undefined) throw new Error(`compose.yaml has no service ${name}`);
  return found;
}

/** `./host/path:/container/path[:ro]` -> the pair. */
function mounts(name: string): { source: string; target: string }[] {
  return (service(name).volumes ?? []).map((volume) => {
    const [source = '', target = ''] = volume.split(':');
    return { source, target };
  });
}

/** The repository file a container sees at `target`. */
function mountedSource(name: string, target: string): string {
  const mount = mounts(name).find((m) => m.target === target);
  if (mount === undefined) throw new Error(`${name}: nothing mounted at ${target}`);
  return mount.source;
}

/** The value of `--flag=` in a service's command. */
function flagValue(name: string, flag: string): string | undefined {
  const arg = service(name).command?.find((a) => a.startsWith(`--${flag}=`));
  return arg?.slice(flag.length + 3);
}

/** Container port published by a service (`127.0.0.1:HOST:CONTAINER`). */
function publishedPorts(name: string): number[] {
  return (service(name).ports ?? []).map((p) => Number(p.split(':').at(-1)));
}

/** A temp directory holding the files a container sees under `containerDir`, at the same relative paths. */
function containerView(name: string, containerDir: string, into: string): string {
  for (const { source, target } of mounts(name)) {
    if (!target.startsWith(`${containerDir}/`)) continue;
    const dest = join(into, posix.relative(containerDir, target));
    mkdirSync(dirname(dest), { recursive: true });
    copyFileSync(source, dest);
  }
  return into;
}

const prometheusConfigPath = mountedSource('prometheus', '/etc/prometheus/prometheus.yml');
const prometheusConfig = parse(readFileSync(prometheusConfigPath, 'utf8')) as PrometheusConfig;
const exampleConfig = parse(readFileSync('prometheus/prometheus.yml', 'utf8')) as PrometheusConfig;

const workDir = mkdtempSync(join(tmpdir(), 'dms-compose-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe('compose.yaml', () => {
  it('has the four services of the demo stack', () => {
    expect(Object.keys(services).sort()).toEqual(['alertmanager', 'exporter', 'grafana', 'prometheus']);
  });

  it('mounts only files that exist, read-only', () => {
    const all = Object.keys(services).flatMap((name) => service(name).volumes ?? []);
    expect(all.length).toBeGreaterThanOrEqual(6);
    for (const volume of all) {
      const source = volume.split(':')[0] ?? '';
      expect(source, volume).toMatch(/^\.\//);
      expect(existsSync(source), `${volume}: ${source} does not exist`).toBe(true);
      expect(volume, 'mounted read-only').toMatch(/:ro$/);
    }
  });

  it('builds the exporter image from this repository and runs the demo on the default port', () => {
    const exporter = service('exporter');
    expect(exporter.build).toBeDefined();
    expect(exporter.image).toBe(IMAGE);
    expect(exporter.command).toContain('--demo');
    expect(flagValue('exporter', 'web.listen-address')).toBe(`:${METRICS_PORT}`);
    expect(publishedPorts('exporter')).toEqual([METRICS_PORT]);
  });

  it('has Prometheus scrape the exporter service as job dms-datatrack, timed like the example', () => {
    const job = prometheusConfig.scrape_configs.find((c) => c.job_name === SCRAPE_JOB);
    const example = exampleConfig.scrape_configs.find((c) => c.job_name === SCRAPE_JOB);
    expect(job?.static_configs).toEqual([{ targets: [`exporter:${METRICS_PORT}`] }]);
    expect([job?.scrape_interval, job?.scrape_timeout]).toEqual([
      example?.scrape_interval,
      example?.scrape_timeout,
    ]);
    expect(prometheusConfig.rule_files).toEqual(exampleConfig.rule_files);
  });

  it('has Prometheus send alerts to the Alertmanager service on the port it listens on', () => {
    const port = flagValue('alertmanager', 'web.listen-address')?.replace(/^:/, '');
    expect(prometheusConfig.alerting.alertmanagers[0]?.static_configs[0]?.targets).toEqual([
      `alertmanager:${port}`,
    ]);
    expect(publishedPorts('alertmanager')).toEqual([Number(port)]);
    expect(flagValue('alertmanager', 'config.file')).toBe('/etc/alertmanager/alertmanager.yml');
    expect(mountedSource('alertmanager', '/etc/alertmanager/alertmanager.yml')).toBe(
      './prometheus/alertmanager.yml',
    );
  });

  it("mounts the shipped alert and recording rules where Prometheus' rule_files looks", () => {
    expect(flagValue('prometheus', 'config.file')).toBe('/etc/prometheus/prometheus.yml');
    expect(
      prometheusConfig.rule_files.map((file) =>
        mountedSource('prometheus', posix.join('/etc/prometheus', file)),
      ),
    ).toEqual(['./prometheus/alerts.yml', './prometheus/rules.yml']);
  });

  it('passes promtool check config, rules included, as the Prometheus container sees it', () => {
    const dir = containerView('prometheus', '/etc/prometheus', join(workDir, 'prometheus'));
    const result = runTool('promtool', ['check', 'config', 'prometheus.yml'], dir);
    expect(result.output).toContain('SUCCESS: 2 rule files found');
    expect(result.status, result.output).toBe(0);
  });

  it('passes amtool check-config with the mounted Alertmanager config and its templates', () => {
    const dir = containerView('alertmanager', '/etc/alertmanager', join(workDir, 'alertmanager'));
    const result = runTool('amtool', ['check-config', join(dir, 'alertmanager.yml')]);
    expect(result.output).toContain(' - 1 templates\n  SUCCESS');
    expect(result.status, result.output).toBe(0);
  });

  it('provisions Grafana with the Prometheus service and the dashboard where the provider looks', () => {
    const datasourceFile = mountedSource('grafana', '/etc/grafana/provisioning/datasources/prometheus.yml');
    const datasources = parse(readFileSync(datasourceFile, 'utf8')) as {
      datasources: { uid: string; url: string; jsonData: { timeInterval: string } }[];
    };
    const shipped = parse(readFileSync('grafana/provisioning/datasources/prometheus.yml', 'utf8')) as {
      datasources: { url: string }[];
    };
    const port = flagValue('prometheus', 'web.listen-address')?.replace(/^:/, '');
    // The shipped data source file, with the stack's Prometheus as its URL.
    expect(datasources.datasources).toEqual(
      shipped.datasources.map((d) => ({ ...d, url: `http://prometheus:${port}` })),
    );
    expect(datasources.datasources[0]?.jsonData.timeInterval).toBe(
      prometheusConfig.scrape_configs.find((c) => c.job_name === SCRAPE_JOB)?.scrape_interval,
    );

    const providerFile = mountedSource('grafana', '/etc/grafana/provisioning/dashboards/dms.yml');
    const provider = parse(readFileSync(providerFile, 'utf8')) as {
      providers: { options: { path: string } }[];
    };
    const folder = provider.providers[0]?.options.path ?? '';
    expect(mountedSource('grafana', `${folder}/dms-data-tracking.json`)).toBe(
      './grafana/dms-data-tracking.json',
    );
  });
});
