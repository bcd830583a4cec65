import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { NAMES, PATHS, SCRAPE_JOB } from '../../deploy/src/constants.js';
import { PRODUCTION_ARGS } from '../../deploy/src/overlays.js';
import { ACCESS_KEY_DIR, BASE_DIR, KUBERNETES_DIR, PRODUCTION_DIR } from '../../deploy/src/render.js';
import {
  findObject,
  KUBECTL_MISSING,
  kustomize,
  validateObject,
  type KubeObject,
} from './kubernetes-objects.js';

if (KUBECTL_MISSING !== undefined) {
  process.stderr.write(
    `test/deploy/kustomize.test.ts: skipping the kubectl kustomize renders: ${KUBECTL_MISSING}\n`,
  );
}

/** prometheus/rules.yml's groups, then prometheus/alerts.yml's, as the PrometheusRule carries them. */
const ruleFiles = {
  groups: ['prometheus/rules.yml', 'prometheus/alerts.yml'].flatMap(
    (file) => (parse(readFileSync(file, 'utf8')) as { groups: unknown[] }).groups,
  ),
};

interface Container {
  name: string;
  args?: string[];
  env?: { name: string; valueFrom?: unknown }[];
  livenessProbe?: Record<string, unknown>;
  readinessProbe?: Record<string, unknown>;
  volumeMounts?: { name: string; mountPath: string }[];
}
interface PodSpec {
  containers: Container[];
  volumes: { name: string; configMap?: { name: string }; secret?: { secretName: string } }[];
}

function podSpec(objects: readonly KubeObject[]): PodSpec {
  const deployment = findObject(objects, 'Deployment', 'dms-datatrack-exporter') as unknown as {
    spec: { template: { spec: PodSpec } };
  };
  return deployment.spec.template.spec;
}

function volumeSource(spec: PodSpec, name: string): string | undefined {
  const volume = spec.volumes.find((v) => v.name === name);
  return volume?.configMap?.name ?? volume?.secret?.secretName;
}

describe.skipIf(KUBECTL_MISSING !== undefined)('kubectl kustomize', () => {
  const base = KUBECTL_MISSING === undefined ? kustomize(BASE_DIR) : [];
  const production = KUBECTL_MISSING === undefined ? kustomize(PRODUCTION_DIR) : [];

  it('renders the base: every object kind once, each valid against its schema', () => {
    expect(base.map((o) => o.kind).sort()).toEqual([
      'ConfigMap',
      'ConfigMap',
      'Deployment',
      'NetworkPolicy',
      'PodDisruptionBudget',
      'PrometheusRule',
      'Service',
      'ServiceAccount',
      'ServiceMonitor',
    ]);
    for (const object of base) expect(() => validateObject(object)).not.toThrow();
  });

  it('renders a PrometheusRule equal to prometheus/alerts.yml', () => {
    expect(findObject(base, 'PrometheusRule', 'dms-datatrack-exporter').spec).toEqual(ruleFiles);
  });

  it('mounts the generated (hash-suffixed) config ConfigMap', () => {
    const config = findObject(base, 'ConfigMap', `${NAMES.config}-`);
    expect(config.metadata.name).toMatch(new RegExp(`^${NAMES.config}-[a-z0-9]{10}$`));
    expect(volumeSource(podSpec(base), 'config')).toBe(config.metadata.name);
    const text = (config.data as Record<string, string>)['config.yaml'];
    expect(text).toBe(readFileSync(`${BASE_DIR}/config.yaml`, 'utf8'));
  });

  it('renders the production overlay: web config from a generated Secret, TCP probes, https scrape', () => {
    for (const object of production) expect(() => validateObject(object)).not.toThrow();
    const spec = podSpec(production);
    const container = spec.containers[0];
    expect(container?.args).toEqual([...PRODUCTION_ARGS]);
    expect(container?.args).toContain(`--web.config.file=${PATHS.webConfigFile}`);
    expect(container?.livenessProbe).toMatchObject({ tcpSocket: { port: 'metrics' } });
    expect(container?.readinessProbe).toMatchObject({ tcpSocket: { port: 'metrics' } });
    expect(container?.livenessProbe).not.toHaveProperty('httpGet');
    expect(container?.readinessProbe).not.toHaveProperty('httpGet');

    const webConfig = findObject(production, 'Secret', `${NAMES.webConfig}-`);
    expect(volumeSource(spec, 'web-config')).toBe(webConfig.metadata.name);
    const yml = Buffer.from((webConfig.data as Record<string, string>)['web-config.yml'] ?? '', 'base64');
    expect(yml.toString()).toBe(readFileSync(`${PRODUCTION_DIR}/web-config.yml`, 'utf8'));
    expect(volumeSource(spec, 'tls')).toBe(NAMES.tls);
    // The base's mounts survive the patch.
    expect(container?.volumeMounts?.map((m) => m.name).sort()).toEqual([
      'config',
      'tls',
      'tmp',
      'web-config',
    ]);

    const monitor = findObject(production, 'ServiceMonitor', 'dms-datatrack-exporter').spec as {
      jobLabel: string;
      endpoints: Record<string, unknown>[];
    };
    expect(monitor.endpoints).toHaveLength(1);
    expect(monitor.endpoints[0]).toMatchObject({
      scheme: 'https',
      basicAuth: { password: { name: NAMES.scrapeAuth, key: 'password' } },
      tlsConfig: { ca: { secret: { name: NAMES.tls, key: 'ca.crt' } } },
    });
    const service = findObject(production, 'Service', 'dms-datatrack-exporter');
    expect(service.metadata.labels?.[monitor.jobLabel]).toBe(SCRAPE_JOB);
    expect(findObject(production, 'PrometheusRule', 'dms-datatrack-exporter').spec).toEqual(ruleFiles);
  });

  describe('production overlay with the access-key component', () => {
    // Kustomize refuses absolute paths: render a copy with an overlay that uses both.
    const dir = mkdtempSync(join(tmpdir(), 'dms-kustomize-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    cpSync(KUBERNETES_DIR, join(dir, 'kubernetes'), { recursive: true });
    mkdirSync(join(dir, 'kubernetes/overlays/with-access-key'));
    writeFileSync(
      join(dir, 'kubernetes/overlays/with-access-key/kustomization.yaml'),
      'resources: [../production]\ncomponents: [../../components/access-key]\n',
    );

    it('reads the key id from the Secret and mounts the secret file the replaced config names', () => {
      const objects = kustomize(join(dir, 'kubernetes/overlays/with-access-key'));
      for (const object of objects) expect(() => validateObject(object)).not.toThrow();
      const spec = podSpec(objects);
      const container = spec.containers[0];
      expect(container?.env?.map((e) => e.name).sort()).toEqual(['DMS_ACCESS_KEY_ID']);
      expect(volumeSource(spec, 'credentials')).toBe(NAMES.credentials);
      expect(container?.args).toEqual([...PRODUCTION_ARGS]);
      const config = findObject(objects, 'ConfigMap', `${NAMES.config}-`);
      expect((config.data as Record<string, string>)['config.yaml']).toBe(
        readFileSync(`${ACCESS_KEY_DIR}/config.yaml`, 'utf8'),
      );
      expect(volumeSource(spec, 'config')).toBe(config.metadata.name);
    });
  });
});
