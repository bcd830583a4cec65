import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ACCESS_KEY_CONFIG_YAML, BASE_CONFIG_YAML } from '../../deploy/src/config-file.js';
import {
  IMAGE,
  JOB_LABEL,
  METRICS_PORT,
  PATHS,
  RRSA_ROLE_ANNOTATION,
  SCRAPE_JOB,
} from '../../deploy/src/constants.js';
import { dashboardConfigMap, ruleGroups, serviceMonitor } from '../../deploy/src/monitoring.js';
import { service } from '../../deploy/src/network.js';
import { productionServiceMonitor, WEB_CONFIG_YML } from '../../deploy/src/overlays.js';
import { baseObjects, KUBERNETES_DIR, renderManifests } from '../../deploy/src/render.js';
import { deployment, serviceAccount } from '../../deploy/src/workload.js';
import { loadConfigFile } from '../../src/config/load.js';
import { maxOldSpaceSizeMb } from '../../src/config/loader-heap.js';
import { runTool } from '../support/promtool.js';
import { parseObjects } from './kubernetes-objects.js';

let rendered: Map<string, string>;
beforeAll(async () => {
  rendered = await renderManifests();
});

function committedFiles(): string[] {
  return readdirSync(KUBERNETES_DIR, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative('.', join(entry.parentPath, entry.name)))
    .sort();
}

describe('deploy/kubernetes', () => {
  it('is exactly what `npm run manifests` generates', () => {
    expect(committedFiles()).toEqual([...rendered.keys()].sort());
    for (const [path, text] of rendered) expect(readFileSync(path, 'utf8'), path).toBe(text);
  });

  it('generates the same bytes twice (no timestamps, stable order)', async () => {
    expect(await renderManifests()).toEqual(rendered);
  });

  it('has objects that validate against their API schemas', () => {
    for (const [name, object] of baseObjects()) expect(() => object.validate(), name).not.toThrow();
    expect(() => productionServiceMonitor().validate()).not.toThrow();
  });

  it('proves validation is not vacuous: a wrong type fails', () => {
    const broken = deployment();
    const container = broken.spec?.template.spec?.containers[0];
    if (container?.ports?.[0]) (container.ports[0] as { containerPort: unknown }).containerPort = 'x';
    expect(() => broken.validate()).toThrow(/containerPort must be integer/);
  });
});

describe('Deployment', () => {
  const spec = deployment().spec;
  const pod = spec?.template.spec;
  const container = pod?.containers[0];

  it('runs one replica (replicas multiply DMS calls)', () => {
    expect(spec?.replicas).toBe(1);
  });

  it('is hardened: non-root uid 1000, read-only root, no capabilities, RuntimeDefault seccomp', () => {
    expect(pod?.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 1000,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container?.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      privileged: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(pod?.automountServiceAccountToken).toBe(false);
  });

  it('probes /-/healthy and /-/ready on the metrics port and sets requests and limits', () => {
    expect(container?.livenessProbe?.httpGet).toEqual({ path: '/-/healthy', port: 'metrics' });
    expect(container?.readinessProbe?.httpGet).toEqual({ path: '/-/ready', port: 'metrics' });
    expect(container?.ports).toEqual([{ name: 'metrics', containerPort: METRICS_PORT, protocol: 'TCP' }]);
    expect(Object.keys(container?.resources?.requests ?? {})).toEqual(['cpu', 'memory']);
    expect(Object.keys(container?.resources?.limits ?? {})).toEqual(['cpu', 'memory']);
    expect(container?.image).toBe(IMAGE);
    expect(container?.args).toContain(`--config.file=${PATHS.configFile}`);
  });

  it('sets no V8 heap size: V8 would give the config loader that heap too, over its own rule', () => {
    const options = (container?.env ?? []).flatMap((e) => (e.name === 'NODE_OPTIONS' ? [e.value ?? ''] : []));
    expect(maxOldSpaceSizeMb(options.join(' ').split(/\s+/))).toBeUndefined();
  });
});

describe('monitoring objects', () => {
  it('label the Service so the ServiceMonitor yields job="dms-datatrack", as the alerts expect', () => {
    const monitor = serviceMonitor().spec;
    expect(monitor?.jobLabel).toBe(JOB_LABEL);
    expect(service().metadata?.labels?.[JOB_LABEL]).toBe(SCRAPE_JOB);
    expect(SCRAPE_JOB).toBe('dms-datatrack');
  });

  it('scrape as often, and with the same timeout, as prometheus/prometheus.yml', () => {
    const example = parse(readFileSync('prometheus/prometheus.yml', 'utf8')) as {
      scrape_configs: { job_name: string; scrape_interval: string; scrape_timeout: string }[];
    };
    const job = example.scrape_configs.find((c) => c.job_name === SCRAPE_JOB);
    expect(serviceMonitor().spec?.endpoints).toEqual([
      {
        port: 'metrics',
        path: '/metrics',
        scheme: 'http',
        interval: job?.scrape_interval,
        scrapeTimeout: job?.scrape_timeout,
      },
    ]);
  });

  it('carry prometheus/rules.yml and prometheus/alerts.yml unchanged in the committed PrometheusRule', () => {
    const fromFiles = ['prometheus/rules.yml', 'prometheus/alerts.yml'].flatMap(
      (file) => (parse(readFileSync(file, 'utf8')) as { groups: unknown[] }).groups,
    );
    const committed = parseObjects(readFileSync(`${KUBERNETES_DIR}/base/prometheusrule.yaml`, 'utf8'));
    expect(committed[0]?.spec).toEqual({ groups: fromFiles });
    expect(ruleGroups()).toEqual(fromFiles);
  });

  it('ship the committed dashboard JSON with the Grafana sidecar label', () => {
    const map = dashboardConfigMap();
    expect(map.metadata?.labels?.grafana_dashboard).toBe('1');
    expect(map.data?.['dms-data-tracking.json']).toBe(readFileSync('grafana/dms-data-tracking.json', 'utf8'));
  });

  it('annotate the ServiceAccount for ACK RRSA', () => {
    expect(serviceAccount().metadata?.annotations).toEqual({
      [RRSA_ROLE_ANNOTATION]: 'dms-datatrack-exporter',
    });
    expect(RRSA_ROLE_ANNOTATION).toBe('pod-identity.alibabacloud.com/role-name');
  });
});

describe('files the container reads', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dms-deploy-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // --config.check's verdict is loadConfigFile's (main.ts): called here, without a process per file
  // (test/main.test.ts runs the built --config.check itself).
  const problemsOf = async (path: string, env: Record<string, string>): Promise<readonly string[]> => {
    const loaded = await loadConfigFile(path, env);
    return loaded.ok ? [] : loaded.error;
  };

  it('base config.yaml passes --config.check (default credential chain)', async () => {
    writeFileSync(join(dir, 'base.yaml'), BASE_CONFIG_YAML);
    expect(await problemsOf(join(dir, 'base.yaml'), {})).toEqual([]);
  });

  it('access-key config.yaml passes --config.check with the Secret mounted and the id in the environment', async () => {
    // The container's absolute paths, moved under the temp dir.
    mkdirSync(join(dir, 'credentials'));
    writeFileSync(join(dir, 'credentials', 'access_key_secret'), 'not-a-real-secret\n');
    const text = ACCESS_KEY_CONFIG_YAML.replaceAll(PATHS.credentialsDir, join(dir, 'credentials'));
    expect(text).not.toBe(ACCESS_KEY_CONFIG_YAML);
    writeFileSync(join(dir, 'access-key.yaml'), text);
    const file = join(dir, 'access-key.yaml');
    expect(await problemsOf(file, { DMS_ACCESS_KEY_ID: 'LTAIexample' })).toEqual([]);
    // Without the variable the check fails: the id really comes from the environment.
    expect(await problemsOf(file, {})).toEqual([
      `${file}:6: profiles.default.access_key_id: environment variable DMS_ACCESS_KEY_ID is not set`,
    ]);
  });

  it('the production web config passes promtool check web-config (with a throwaway certificate)', () => {
    const tls = join(dir, 'tls');
    mkdirSync(tls);
    const openssl = spawnSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1'].concat(
        [
          '-subj',
          '/CN=dms-datatrack-exporter',
          '-keyout',
          join(tls, 'tls.key'),
          '-out',
          join(tls, 'tls.crt'),
        ],
      ),
      { encoding: 'utf8', timeout: 20_000 },
    );
    if (openssl.error) throw new Error(`openssl is needed for this test: ${openssl.error.message}`);
    expect(openssl.status, openssl.stderr).toBe(0);
    writeFileSync(join(dir, 'web-config.yml'), WEB_CONFIG_YML.replaceAll(PATHS.tlsDir, tls));
    const result = runTool('promtool', ['check', 'web-config', join(dir, 'web-config.yml')]);
    expect(result.output).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });
});
