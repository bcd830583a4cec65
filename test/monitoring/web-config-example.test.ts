import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import bcrypt from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readWebConfigFile } from '../../src/web/load.js';
import { makeCertDir, type CertDir } from '../support/certs.js';
import { runTool } from '../support/promtool.js';

// The shipped TLS examples, checked where they would be used: beside the files they name.

interface ScrapeConfig {
  scrape_configs: Array<{
    job_name: string;
    scheme: string;
    tls_config: { ca_file: string };
    basic_auth: { username: string; password_file: string };
  }>;
}

let certs: CertDir;
beforeAll(() => {
  certs = makeCertDir();
  certs.makeCa('exporter-ca');
  certs.makeLeaf('exporter', 'exporter-ca', 'DNS:localhost,IP:127.0.0.1');
  copyFileSync('prometheus/web-config.yml', certs.path('web-config.yml'));
  copyFileSync('prometheus/prometheus-tls.yml', certs.path('prometheus-tls.yml'));
  writeFileSync(certs.path('dms-exporter.password'), 'change-me\n');
});
afterAll(() => certs.remove());

describe('prometheus/web-config.yml', () => {
  it('is accepted by the exporter and by promtool check web-config', () => {
    const loaded = readWebConfigFile(certs.path('web-config.yml'));
    expect(loaded.ok ? [] : loaded.error).toEqual([]);
    const result = runTool('promtool', ['check', 'web-config', 'web-config.yml'], certs.dir);
    expect(result.status, result.output).toBe(0);
  });

  it('has the password its comment says', async () => {
    const loaded = readWebConfigFile(certs.path('web-config.yml'));
    const hash = loaded.ok ? loaded.value.settings.users.get('prometheus')?.reveal() : undefined;
    expect(await bcrypt.compare('change-me', hash ?? '')).toBe(true);
  });
});

describe('prometheus/prometheus-tls.yml', () => {
  const config = parse(readFileSync('prometheus/prometheus-tls.yml', 'utf8')) as ScrapeConfig;
  const job = config.scrape_configs[0];

  it('passes promtool check config', () => {
    const result = runTool('promtool', ['check', 'config', 'prometheus-tls.yml'], certs.dir);
    expect(result.status, result.output).toBe(0);
  });

  it('scrapes the dms-datatrack job over https as the user web-config.yml defines', () => {
    const web = parse(readFileSync('prometheus/web-config.yml', 'utf8')) as {
      basic_auth_users: Record<string, string>;
    };
    expect(job?.job_name).toBe('dms-datatrack');
    expect(job?.scheme).toBe('https');
    expect(Object.keys(web.basic_auth_users)).toContain(job?.basic_auth.username);
  });
});
