/**
 * docs/deploy.md: its DMS-call arithmetic is recomputed from the formula it states, and it still
 * covers each way to deploy, with the sharding notes in their place. (Its links are checked with every
 * other page's, in links.test.ts.)
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { KUBERNETES_DIR } from '../../deploy/src/render.js';
import { findObject, KUBECTL_MISSING, kustomize, validateObject } from '../deploy/kubernetes-objects.js';
import { section, seconds } from '../support/markdown.js';

const deployDoc = readFileSync('docs/deploy.md', 'utf8');
const MONTH_S = 30 * 24 * 3600;

describe('docs/deploy.md', () => {
  it('computes the DMS calls in its table from its own formula and the shipped defaults', () => {
    const prometheus = parse(readFileSync('prometheus/prometheus.yml', 'utf8')) as {
      scrape_configs: { job_name: string; scrape_interval: string }[];
    };
    const interval = seconds(prometheus.scrape_configs[0]?.scrape_interval ?? '');
    const recheck = seconds(/terminal_recheck: (\w+)/.exec(readFileSync('config.yaml', 'utf8'))?.[1] ?? '');
    expect([interval, recheck]).toEqual([60, 600]);

    const table = section(deployDoc, '## DMS calls per month');
    const rows = [...table.matchAll(/^\| ([\d,]+) +\| ([\d,]+) +\| ([\d,]+) +\| ([\d,]+) +\|$/gm)].map((m) =>
      m.slice(1, 5).map((cell) => Number(cell.replace(/,/g, ''))),
    );
    expect(rows.length).toBeGreaterThanOrEqual(4);
    for (const [orders = 0, final = 0, without = 0, withMemory = 0] of rows) {
      expect(without, `${orders} orders without memory`).toBe((orders * MONTH_S) / interval);
      expect(withMemory, `${orders} orders, ${final} final`).toBe(
        ((orders - final) * MONTH_S) / interval + (final * MONTH_S) / Math.max(recheck, interval),
      );
    }
  });

  it('covers Docker, compose, Kubernetes, managed Prometheus and keeps the sharding place marked', () => {
    for (const heading of [
      '## Docker',
      '## Compose: the whole demo stack',
      '## Kubernetes',
      '## Managed Service for Prometheus (ARMS) on ACK',
      '## DMS calls per month',
      '## Sharding past one Prometheus',
    ]) {
      expect(deployDoc, heading).toContain(`\n${heading}\n`);
    }
    expect(section(deployDoc, '## Sharding past one Prometheus')).toContain('prometheus/sharded.yml');
  });
});

interface JobPod {
  containers: { args: string[]; image: string; volumeMounts: { name: string }[] }[];
  volumes: { name: string; configMap?: { name: string } }[];
  serviceAccountName: string;
}

describe.skipIf(KUBECTL_MISSING !== undefined)('docs/deploy.md: the --dms.check Job', () => {
  it('renders with the base through kubectl kustomize, on the generated ConfigMap and the exporter image', () => {
    const job = /```yaml\n(apiVersion: batch\/v1\n[\s\S]*?)```/.exec(
      section(deployDoc, '### Check DMS access: a one-off Job'),
    )?.[1];
    expect(job).toBeDefined();
    const dir = mkdtempSync(join(tmpdir(), 'dms-check-job-'));
    try {
      cpSync(KUBERNETES_DIR, dir, { recursive: true });
      mkdirSync(join(dir, 'overlays/dms-check'));
      writeFileSync(join(dir, 'overlays/dms-check/dms-check-job.yaml'), job ?? '');
      writeFileSync(
        join(dir, 'overlays/dms-check/kustomization.yaml'),
        'resources: [../../base, dms-check-job.yaml]\n',
      );
      const objects = kustomize(join(dir, 'overlays/dms-check'));
      const rendered = findObject(objects, 'Job', 'dms-datatrack-exporter-check');
      expect(() => validateObject(rendered)).not.toThrow();
      const deployment = findObject(objects, 'Deployment', 'dms-datatrack-exporter') as unknown as {
        spec: { template: { spec: JobPod } };
      };
      const pod = (rendered as unknown as { spec: { template: { spec: JobPod } } }).spec.template.spec;
      const exporterPod = deployment.spec.template.spec;
      const configOf = (spec: JobPod) => spec.volumes.find((v) => v.name === 'config')?.configMap?.name;
      expect(configOf(pod)).toBe(configOf(exporterPod));
      expect(pod.serviceAccountName).toBe(exporterPod.serviceAccountName);
      expect(pod.containers[0]?.image).toBe(exporterPod.containers[0]?.image);
      expect(pod.containers[0]?.args).toEqual([
        ...(exporterPod.containers[0]?.args.filter((a) => a.startsWith('--config.file=')) ?? []),
        '--dms.check',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
