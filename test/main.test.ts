import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runExporter, serveExporter } from './support/process.js';
import { sampleValue } from './support/stack.js';

async function tempFile(name: string, text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'dms-exporter-'));
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

describe('command line (the built dist/main.js)', () => {
  it('--config.check says OK and exits 0 for the shipped config.yaml', async () => {
    const result = await runExporter(['--config.check', '--config.file=config.yaml']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^config\.yaml: OK \(\d+ orders, \d+ profiles\)\n$/);
    expect(result.code).toBe(0);
  });

  it('--config.check prints file, line, key and reason and exits 1 for a bad config', async () => {
    const path = await tempFile('bad.yaml', 'orders:\n  - id: 1\n  - id: -4\n');
    const result = await runExporter(['--config.check', `--config.file=${path}`]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(new RegExp(`^${path}:3: orders\\[1\\]\\.id: `));
  });

  it('refuses to start on a bad config, naming the problem, and exits 1', async () => {
    const path = await tempFile('bad.yaml', 'scrape:\n  timeout: 10 sec\n');
    const result = await runExporter([`--config.file=${path}`, '--web.listen-address=127.0.0.1:0']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${path}:2: scrape.timeout: invalid duration "10 sec"`);
  });

  it('rejects an unknown flag with the usage text and exit code 2', async () => {
    const result = await runExporter(['--web.listen=:1']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("error: Unknown option '--web.listen'");
    expect(result.stderr).toContain('Usage: dms-datatrack-exporter [flags]');
  });

  it('prints its version', async () => {
    const result = await runExporter(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^dms-datatrack-exporter \d+\.\d+\.\d+ \(revision \S+, node v\d+/);
  });

  it('--demo serves live metrics from the built-in simulator and stops promptly on SIGTERM', async () => {
    const exporter = await serveExporter(['--demo']);
    try {
      const text = await (await fetch(`${exporter.url}/metrics`)).text();
      const ups = text.split('\n').filter((l) => l.startsWith('aliyun_dms_datatrack_up{'));
      expect(ups.length).toBeGreaterThanOrEqual(5);
      const states = new Set(
        text
          .split('\n')
          .filter((l) => l.startsWith('aliyun_dms_datatrack_job_status{') && l.endsWith(' 1'))
          .map((l) => /status="([A-Z_]+)"/.exec(l)?.[1]),
      );
      expect(states.size).toBeGreaterThanOrEqual(6);
      expect(states).toContain('DOWNLOAD_FAIL');
      expect(sampleValue(text, 'aliyun_dms_datatrack_config_last_reload_successful')).toBe(1);
    } finally {
      const { code, ms } = await exporter.stop();
      expect(code).toBe(0);
      expect(ms).toBeLessThan(3_000);
    }
  });
});
