/**
 * The README's Deploy section: its DMS-call arithmetic is recomputed from the formula it states, its
 * links into docs/deploy.md (and back) point at headings that exist, and the place the sharding
 * notes go is still marked.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { anchors, section, seconds } from '../support/markdown.js';

const readme = readFileSync('README.md', 'utf8');
const deployDoc = readFileSync('docs/deploy.md', 'utf8');
const MONTH_S = 30 * 24 * 3600;

describe('README, Deploy', () => {
  const deploy = section(readme, '## Deploy');

  it('computes the DMS calls in its table from its own formula and the shipped defaults', () => {
    const prometheus = parse(readFileSync('prometheus/prometheus.yml', 'utf8')) as {
      scrape_configs: { job_name: string; scrape_interval: string }[];
    };
    const interval = seconds(prometheus.scrape_configs[0]?.scrape_interval ?? '');
    const recheck = seconds(/terminal_recheck: (\w+)/.exec(readFileSync('config.yaml', 'utf8'))?.[1] ?? '');
    expect([interval, recheck]).toEqual([60, 600]);

    const table = section(deploy, '### DMS calls per month');
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
      '### Docker',
      '### Compose: the whole demo stack',
      '### Kubernetes',
      '### Managed Prometheus on ACK',
      '### DMS calls per month',
      '### Sharding past one Prometheus',
    ]) {
      expect(deploy, heading).toContain(`\n${heading}\n`);
    }
    expect(section(deploy, '### Sharding past one Prometheus')).toContain('prometheus/sharded.yml');
  });

  it('links to headings that exist in docs/deploy.md, and docs/deploy.md back to the README', () => {
    const docAnchors = anchors(deployDoc);
    const links = [...readme.matchAll(/\(docs\/deploy\.md#([\w-]+)\)/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThanOrEqual(3);
    for (const link of links) expect(docAnchors, link).toContain(link);
    const readmeAnchors = anchors(readme);
    const backLinks = [...deployDoc.matchAll(/\(\.\.\/README\.md#([\w-]+)\)/g)].map((m) => m[1]);
    expect(backLinks.length).toBeGreaterThan(0);
    for (const link of backLinks) expect(readmeAnchors, link).toContain(link);
  });
});
