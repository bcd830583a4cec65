import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface DatasourceFile {
  apiVersion: number;
  datasources: { uid: string; type: string; isDefault?: boolean; jsonData?: { timeInterval?: string } }[];
}
interface DashboardsFile {
  apiVersion: number;
  providers: { type: string; options: { path: string } }[];
}

const datasources = parse(
  readFileSync('grafana/provisioning/datasources/prometheus.yml', 'utf8'),
) as DatasourceFile;
const dashboards = parse(readFileSync('grafana/provisioning/dashboards/dms.yml', 'utf8')) as DashboardsFile;
const scrapeConfig = parse(readFileSync('prometheus/prometheus.yml', 'utf8')) as {
  scrape_configs: { job_name: string; scrape_interval: string }[];
};
const doc = readFileSync('docs/monitoring.md', 'utf8');

describe('grafana/provisioning', () => {
  it('provides a default Prometheus data source the `datasource` variable can pick', () => {
    expect(datasources.apiVersion).toBe(1);
    expect(datasources.datasources).toHaveLength(1);
    expect(datasources.datasources[0]).toMatchObject({
      uid: 'prometheus',
      type: 'prometheus',
      isDefault: true,
    });
  });

  it("sets the data source's scrape interval to the dms-datatrack job's, for $__rate_interval", () => {
    const job = scrapeConfig.scrape_configs.find((c) => c.job_name === 'dms-datatrack');
    expect(datasources.datasources[0]?.jsonData?.timeInterval).toBe(job?.scrape_interval);
  });

  it('loads dashboards from the folder docs/monitoring.md tells users to mount', () => {
    expect(dashboards.providers).toHaveLength(1);
    const path = dashboards.providers[0]?.options.path ?? '';
    expect(dashboards.providers[0]?.type).toBe('file');
    expect(doc).toContain(`${path}/dms-data-tracking.json`);
    expect(doc).toContain('/etc/grafana/provisioning');
  });
});
