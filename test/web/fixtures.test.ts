import { copyFileSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { webConfigFromText, type WebConfigResult } from '../../src/web/load.js';
import { UNSUPPORTED_KEYS, webConfigSchema } from '../../src/web/schema.js';
import { TLS_RULES } from '../../src/web/tls.js';
import { makeCertDir, type CertDir } from '../support/certs.js';
import { runTool, type ToolResult } from '../support/promtool.js';

// Every fixture goes through the exporter's loader and through `promtool check web-config`, with
// real certificate files beside it. What promtool does is written on each fixture's first line,
// so any difference between the two is stated, with its reason, where the file is.

const FIXTURES = 'test/fixtures/web';
const list = (kind: string) =>
  readdirSync(join(FIXTURES, kind))
    .filter((file) => file.endsWith('.yml'))
    .sort();
const GOOD = list('good');
const BAD = list('bad');

let certs: CertDir;
beforeAll(() => {
  certs = makeCertDir();
  certs.makeCa('ca');
  certs.makeLeaf('server', 'ca', 'DNS:localhost,IP:127.0.0.1');
});
afterAll(() => certs.remove());

type Fixture = { text: string; declared: string | undefined; loaded: WebConfigResult };
const fixtures = new Map<string, Fixture>();

/** A fixture's text, what its first line says promtool does, and what the loader makes of it (once). */
function fixture(kind: string, file: string): Fixture {
  const path = join(FIXTURES, kind, file);
  let found = fixtures.get(path);
  if (found === undefined) {
    const text = readFileSync(path, 'utf8');
    const declared = /^# promtool: (accepts|rejects)/.exec(text)?.[1];
    found = { text, declared, loaded: webConfigFromText(text, file, certs.dir) };
    fixtures.set(path, found);
  }
  return found;
}

let verdicts: ToolResult | undefined;

/**
 * `accepts` or `rejects`, as promtool 2.42 judges the copy beside the certificates. One run checks
 * every fixture (a run per file cost a process start each); it prints a line per file that starts
 * with the file's name, and exits 0 only when it found nothing to reject.
 */
function promtoolVerdict(file: string): string {
  if (verdicts === undefined) {
    const files = [...GOOD.map((f) => ['good', f]), ...BAD.map((f) => ['bad', f])];
    for (const [kind = '', f = ''] of files) copyFileSync(join(FIXTURES, kind, f), certs.path(f));
    verdicts = runTool('promtool', ['check', 'web-config', ...files.map(([, f = '']) => f)], certs.dir);
  }
  const { status, output } = verdicts;
  expect(status === 0, output).toBe(!/^\S+ FAILED/m.test(output));
  const line = output.split('\n').find((l) => l.startsWith(`${file} `));
  expect(line, output).toMatch(new RegExp(`^${file.replaceAll('.', '\\.')} (SUCCESS$|FAILED: )`));
  return line?.endsWith(' SUCCESS') === true ? 'accepts' : 'rejects';
}

describe('good web config fixtures', () => {
  it.each(GOOD)('%s loads, and promtool says what its first line says', (file) => {
    const { declared, loaded } = fixture('good', file);
    expect(loaded.ok ? [] : loaded.error).toEqual([]);
    expect(promtoolVerdict(file)).toBe(declared);
  });

  it('are accepted by promtool, but for keys newer than its toolkit', () => {
    const rejected = GOOD.filter((file) => fixture('good', file).declared !== 'accepts');
    expect(rejected).toEqual(['client-allowed-sans.yml', 'rate-limit.yml']);
  });
});

const expectedErrors = (file: string): string[] =>
  readFileSync(join(FIXTURES, 'bad', file.replace(/\.yml$/, '.errors.txt')), 'utf8')
    .split('\n')
    .filter((line) => line !== '');

/** Every rule id: the TLS rules across keys, and the refusals of newer toolkit keys. */
const RULE_IDS = [...new Set([...TLS_RULES.map((r) => r.id), ...UNSUPPORTED_KEYS.map((k) => k.id)])];

/** How many problems each rule finds in a fixture (rules that find none are left out). */
function rulesBroken(text: string): Map<string, number> {
  const broken = new Map<string, number>();
  const add = (id: string): void => void broken.set(id, (broken.get(id) ?? 0) + 1);
  let root: unknown;
  try {
    root = parse(text, { logLevel: 'error' });
  } catch {
    return broken; // not YAML a rule could read
  }
  for (const { id, path } of UNSUPPORTED_KEYS) if (hasPath(root, path)) add(id);
  const settings = webConfigSchema.safeParse(root);
  const tls = settings.success ? settings.data.tls : undefined;
  for (const rule of TLS_RULES) if (tls !== undefined && rule.problem(tls) !== undefined) add(rule.id);
  return broken;
}

function hasPath(root: unknown, path: readonly string[]): boolean {
  let node = root;
  for (const key of path) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, key)) return false;
    node = (node as Record<string, unknown>)[key];
  }
  return true;
}

/** The rule a fixture is about: the only one it breaks, and the reason for every expected error. */
function ruleOf(file: string): string | undefined {
  const broken = [...rulesBroken(readFileSync(join(FIXTURES, 'bad', file), 'utf8'))];
  const [only] = broken;
  return broken.length === 1 && only?.[1] === expectedErrors(file).length ? only[0] : undefined;
}

describe('bad web config fixtures', () => {
  it.each(RULE_IDS)(
    'have exactly one fixture for the rule %s, named after it, that breaks it alone',
    (id) => {
      expect(BAD.filter((file) => ruleOf(file) === id)).toEqual([`${id}.yml`]);
    },
  );

  it.each(BAD)('%s gives exactly its expected errors, and promtool does what it says', (file) => {
    const { declared, loaded } = fixture('bad', file);
    const expected = expectedErrors(file);
    expect(loaded.ok ? [] : loaded.error).toEqual(expected);
    expect(promtoolVerdict(file)).toBe(declared);
  });

  it('are mostly rejected by promtool too; each difference has a reason on its first line', () => {
    const differences = BAD.map((file) => ({ file, text: fixture('bad', file).text })).filter(
      ({ text }) => !text.startsWith('# promtool: rejects\n'),
    );
    for (const { file, text } of differences) expect(text, file).toMatch(/^# promtool: \w+ \(.+\)\n/);
    expect(differences.length).toBeLessThan(BAD.length / 2);
  });

  it('never show a password or hash they were given', () => {
    const messages = BAD.flatMap((file) => {
      const { loaded } = fixture('bad', file);
      return loaded.ok ? [] : loaded.error;
    }).join('\n');
    expect(messages).not.toMatch(/alice-password|a private key|mEAp0wdZP/);
  });
});
