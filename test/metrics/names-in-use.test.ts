// Every whole metric name written down in the repository (the tests' assertions, the docs, the rules,
// the dashboard, the deploy files, the bench and the soak) is one the exporter writes, one Prometheus
// derives from its histograms, or one prometheus/rules.yml records. A misspelt name in a test would
// otherwise make `expect(...).toBeUndefined()` pass without checking anything, and in a doc it would
// send a reader to a series that never exists.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_METRIC_NAMES } from '../../src/metrics/catalogue.js';
import { KNOWN_METRIC_NAMES } from '../support/known-metrics.js';

const ROOTS = [
  'README.md',
  'CONFIGURATION.md',
  'src',
  'packages',
  'test',
  'docs',
  'prometheus',
  'grafana',
  'deploy',
  'bench',
  'soak',
];
const SKIPPED_FOLDERS = new Set(['node_modules', 'dist', '.git']);
const TEXT_FILE = /\.(ts|md|ya?ml|json)$/;

function filesUnder(root: string): string[] {
  if (TEXT_FILE.test(root)) return [root];
  return readdirSync(root, { withFileTypes: true }).flatMap((entry) => {
    const path = join(root, entry.name);
    if (entry.isDirectory()) return SKIPPED_FOLDERS.has(entry.name) ? [] : filesUnder(path);
    return entry.isFile() && TEXT_FILE.test(entry.name) ? [path] : [];
  });
}

/**
 * The exporter's metric names in `text` that no series has. A recorded series' name keeps its
 * colons (`order:aliyun_dms_datatrack_job_remaining_seconds:estimate`); a counter's family name, as
 * OpenMetrics' `# TYPE` line writes it, is its name without `_total`. A name followed by `_`, `\`,
 * `*` or `(` is the start of a pattern (`aliyun_dms_datatrack_api_`, `discover\w+`), not a name.
 */
function unknownNames(text: string): string[] {
  const found = [
    ...text.matchAll(/(?<![\w:])[a-z_:]*aliyun_dms_datatrack_[a-z0-9_:]*[a-z0-9](?![\w\\*(:])/g),
  ];
  return [...new Set(found.map((match) => match[0]))].filter(
    (name) => !KNOWN_METRIC_NAMES.has(name) && !KNOWN_METRIC_NAMES.has(`${name}_total`),
  );
}

describe('metric names written down in the repository', () => {
  it('finds a misspelt name, and leaves patterns alone', () => {
    expect(
      unknownNames(
        'aliyun_dms_datatrack_up{order_id="1"} aliyun_dms_datatrack_discovery_left_out{profile="a"} ' +
          '/^aliyun_dms_datatrack_api_/ /aliyun_dms_datatrack_discover\\w+/ aliyun_dms_datatrack_job* ' +
          '# TYPE aliyun_dms_datatrack_api_requests counter order:aliyun_dms_datatrack_job_remaining_seconds:estimate ' +
          'order:aliyun_dms_datatrack_job_remaining_seconds:guess',
      ),
    ).toEqual([
      'aliyun_dms_datatrack_discovery_left_out',
      'order:aliyun_dms_datatrack_job_remaining_seconds:guess',
    ]);
  });

  it('are all names of series that exist', () => {
    const files = ROOTS.flatMap(filesUnder).filter((file) => file !== 'test/metrics/names-in-use.test.ts');
    const unknown = files.flatMap((file) =>
      unknownNames(readFileSync(file, 'utf8')).map((name) => `${file}: ${name}`),
    );
    expect(unknown).toEqual([]);
    // The scan read the files that matter: the alert rules and this suite's scrape assertions.
    expect(files).toContain('prometheus/alerts.yml');
    expect(files).toContain('test/discovery/discovery.test.ts');
  });

  it('include every metric the exporter writes in docs/metrics.md, the reference the README links to', () => {
    const reference = readFileSync('docs/metrics.md', 'utf8');
    expect(ALL_METRIC_NAMES.filter((name) => !new RegExp(`\\b${name}\\b`).test(reference))).toEqual([]);
  });
});
