import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { KNOWN_METRIC_NAMES } from '../support/known-metrics.js';
import { anchors } from '../support/markdown.js';
import { metricNamesIn, promqlSyntaxErrors } from '../support/promql.js';
import { runTool, type ToolResult } from '../support/promtool.js';

interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

interface RecordingRule {
  record: string;
  expr: string;
}

const rulesText = readFileSync('prometheus/alerts.yml', 'utf8');
const groups = (parse(rulesText) as { groups: { name: string; rules: AlertRule[] }[] }).groups;
const rules = groups.flatMap((group) => group.rules);

const recordingText = readFileSync('prometheus/rules.yml', 'utf8');
const recordingGroups = (parse(recordingText) as { groups: { name: string; rules: RecordingRule[] }[] })
  .groups;
const recordings = recordingGroups.flatMap((group) => group.rules);

const RUNBOOKS = 'docs/runbooks.md';
const runbookAnchors = anchors(readFileSync(RUNBOOKS, 'utf8'));

// One promtool run per subcommand over all its files (a run per file cost a process start each).
// Every test of a run requires the whole run to pass, as promtool cannot say on which stream a
// failure belongs to which file; the output in the message names it. Each test then reads the part
// of the output about its own file.
const RULE_FILES = ['prometheus/alerts.yml', 'prometheus/rules.yml'];
const RULE_TESTS = ['prometheus/rules.test.yml', 'prometheus/alerts.test.yml'];
const CONFIGS = ['prometheus/prometheus.yml', 'prometheus/sharded.yml'];

/** A promtool run over several files, and what it said about each (`heading` introduces a file). */
function promtoolOver(args: readonly string[], files: readonly string[], heading: string) {
  let run: ToolResult | undefined;
  return (file: string): { output: string; about: string } => {
    run ??= runTool('promtool', [...args, ...files]);
    expect(run.status, run.output).toBe(0);
    const starts = files.map((f) => run!.output.indexOf(`${heading}${f}\n`));
    const start = starts[files.indexOf(file)] ?? -1;
    const next = Math.min(...starts.filter((at) => at > start), run.output.length);
    return { output: run.output, about: start < 0 ? '' : run.output.slice(start, next) };
  };
}

const checkRules = promtoolOver(['check', 'rules'], RULE_FILES, 'Checking ');
const testRules = promtoolOver(['test', 'rules'], RULE_TESTS, 'Unit Testing:  ');
const checkConfig = promtoolOver(['check', 'config'], CONFIGS, 'Checking ');

describe('prometheus/ with the real tools', () => {
  it('promtool check rules prometheus/alerts.yml', () => {
    const { output, about } = checkRules('prometheus/alerts.yml');
    expect(about, output).toContain('\n  SUCCESS: 12 rules found\n');
  });

  it('promtool check rules prometheus/rules.yml', () => {
    const { output, about } = checkRules('prometheus/rules.yml');
    expect(about, output).toContain(`\n  SUCCESS: ${recordings.length} rules found\n`);
  });

  it.each(RULE_TESTS)('promtool test rules %s', (file) => {
    // On failure promtool prints the expected and the actual alerts: shown as the message.
    const { output, about } = testRules(file);
    expect(about, output).toContain('\n  SUCCESS\n');
  });

  it.each(CONFIGS)('promtool check config %s', (file) => {
    const { output, about } = checkConfig(file);
    expect(about, output).toContain(` SUCCESS: ${file} is valid prometheus config file syntax\n`);
  });

  it('amtool check-config prometheus/alertmanager.yml (with its template file)', () => {
    const result = runTool('amtool', ['check-config', 'prometheus/alertmanager.yml']);
    expect(result.status, result.output).toBe(0);
    expect(result.output).toContain(' - 5 receivers\n - 1 templates\n  SUCCESS');
  });

  it.each([
    // The committer hears of their ticket; the team channel of every result; failures still page.
    ['alertname=DmsDataTrackResultsReady committer=erin severity=info', 'committer,chat'],
    ['alertname=DmsDataTrackResultsReady committer=alice.wang severity=info', 'committer-alice,chat'],
    ['alertname=DmsDataTrackResultsReady severity=info', 'chat'],
    ['alertname=DmsDataTrackJobFailed committer=erin severity=critical', 'committer,pager'],
    ['alertname=DmsDataTrackJobFailed severity=critical', 'pager'],
    ['alertname=DmsDataTrackJobEtaBeyondHorizon committer=erin severity=warning', 'committer,ticket'],
    ['alertname=DmsDataTrackJobStalled committer=erin severity=warning', 'ticket'],
  ])('alertmanager.yml routes %s to %s', (labels, receivers) => {
    const result = runTool('amtool', [
      'config',
      'routes',
      'test',
      '--config.file=prometheus/alertmanager.yml',
      ...labels.split(' '),
    ]);
    expect(result.status, result.output).toBe(0);
    expect(result.output.split('\n')[0]).toBe(receivers);
  });
});

describe('prometheus/alerts.yml', () => {
  it('has the twelve alerts, each tested in alerts.test.yml or rules.test.yml', () => {
    const names = rules.map((rule) => rule.alert);
    expect(names).toEqual([
      'DmsDataTrackJobFailed',
      'DmsDataTrackJobStalled',
      'DmsDataTrackTicketAwaitingApproval',
      'DmsDataTrackResultsReady',
      'DmsDataTrackJobEtaBeyondHorizon',
      'DmsDataTrackExporterDown',
      'DmsDataTrackOrderUnreadable',
      'DmsDataTrackConfigReloadFailed',
      'DmsDataTrackTicketDiscoveryFailing',
      'DmsDataTrackApiThrottled',
      'DmsDataTrackApiAuthFailed',
      'DmsDataTrackExporterCertificateExpiring',
    ]);
    // DmsDataTrackJobEtaBeyondHorizon is tested with the recorded estimates it reads, in rules.test.yml.
    const tests = `${readFileSync('prometheus/alerts.test.yml', 'utf8')}${readFileSync('prometheus/rules.test.yml', 'utf8')}`;
    for (const name of names)
      expect(tests, name).toMatch(new RegExp(`alertname: ${name}\\n\\s+exp_alerts:\\n\\s+- exp_labels`));
  });

  it.each(rules.map((rule) => [rule.alert, rule] as const))(
    '%s has for, severity, summary, description, runbook',
    (_n, rule) => {
      expect(rule.for).toMatch(/^\d+[smh]$/);
      expect(['critical', 'warning', 'info']).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary).toBeTruthy();
      expect(rule.annotations?.description).toBeTruthy();
      // No runbook_url: the project has no published home; the first steps travel with the alert.
      expect(rule.annotations?.runbook_url).toBeUndefined();
      expect(rule.annotations?.runbook?.length).toBeGreaterThan(80);
      const anchor = rule.alert.toLowerCase();
      expect(rule.annotations?.runbook).toContain(
        `Full runbook: ${RUNBOOKS}#${anchor} in the dms-datatrack-exporter repository.`,
      );
      expect(runbookAnchors, `${RUNBOOKS} needs a "${rule.alert}" heading`).toContain(anchor);
    },
  );

  it('names the order and its display name in every per-order alert, joined per exporter', () => {
    const perOrder = rules.filter((r) => r.expr.includes('order_id'));
    expect(perOrder.length).toBeGreaterThan(0);
    for (const rule of perOrder) {
      expect(rule.expr, rule.alert).toContain('* on (job, instance, order_id) group_left (name, profile');
      expect(rule.annotations?.description, rule.alert).toContain(
        '{{ $labels.order_id }}{{ with $labels.name }}',
      );
    }
  });

  it('says who to ask in the alerts about a ticket itself, and links to it: labels from order_info', () => {
    const aboutTheTicket = [
      'DmsDataTrackJobFailed',
      'DmsDataTrackJobStalled',
      'DmsDataTrackTicketAwaitingApproval',
      'DmsDataTrackResultsReady',
      'DmsDataTrackJobEtaBeyondHorizon',
    ];
    const matched = rules.filter((r) => aboutTheTicket.includes(r.alert));
    expect(matched.map((r) => r.alert)).toEqual(aboutTheTicket);
    for (const rule of matched) {
      expect(rule.expr, rule.alert).toContain(
        '* on (job, instance, order_id) group_left (name, profile, committer, comment, database, console_url)',
      );
      expect(rule.annotations?.summary, rule.alert).toContain('{{ with $labels.committer }}');
      expect(rule.annotations?.description, rule.alert).toContain('{{ with $labels.comment }}');
      expect(rule.annotations?.description, rule.alert).toContain(
        '{{ with $labels.console_url }} Ticket: {{ . }}{{ end }}',
      );
    }
  });

  it('watches ticket discovery per profile, including a profile that never succeeded', () => {
    const rule = rules.find((r) => r.alert === 'DmsDataTrackTicketDiscoveryFailing');
    expect(rule?.expr).toContain('by (job, instance, profile)');
    expect(rule?.expr).toMatch(
      /unless on \(job, instance, profile\)\s+aliyun_dms_datatrack_discovery_last_success_timestamp_seconds\b/,
    );
  });

  it('uses only known metric names (in expressions and in annotation queries)', () => {
    const inExprs = [...rules, ...recordings].flatMap((rule) => {
      expect(promqlSyntaxErrors(rule.expr), rule.expr).toEqual([]);
      return metricNamesIn(rule.expr);
    });
    // Names inside recorded names (level:name:operations) are the recording's own, not a metric.
    const inText = [...`${rulesText}${recordingText}`.matchAll(/(?<![:\w])aliyun_dms_\w+(?!\w|:)/g)].map(
      (m) => m[0],
    );
    expect([...inExprs, ...inText].filter((name) => !KNOWN_METRIC_NAMES.has(name))).toEqual([]);
  });
});

describe('prometheus/rules.yml', () => {
  const tests = `${readFileSync('prometheus/rules.test.yml', 'utf8')}${readFileSync('prometheus/alerts.test.yml', 'utf8')}`;

  it.each([...new Set(recordings.map((rule) => rule.record))])(
    '%s has a promtool test of its own',
    (record) => {
      expect(tests).toMatch(new RegExp(`expr: ${record.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`));
    },
  );

  it('keeps every per-order result to (job, instance, order_id): they join order_info like the rest', () => {
    for (const rule of recordings.filter((r) => /^order(_stage)?:/.test(r.record)))
      expect(rule.expr, rule.record).toMatch(
        /^\(?\s*(max|sum) by \(job, instance, order_id(, stage)?\)|^\(1 - |^deriv|^\(\s*time\(\)/,
      );
  });

  it('reads the horizon of DmsDataTrackJobEtaBeyondHorizon from the one recorded number', () => {
    const alert = rules.find((rule) => rule.alert === 'DmsDataTrackJobEtaBeyondHorizon');
    expect(alert?.expr).toContain('> on () group_left () dms_datatrack:job_eta_horizon_seconds');
    expect(recordings.find((rule) => rule.record === 'dms_datatrack:job_eta_horizon_seconds')?.expr).toBe(
      'vector(14400)',
    );
  });
});
