import { copyFileSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webConfigFromText } from '../../src/web/load.js';
import { makeCertDir, type CertDir } from '../support/certs.js';
import { runTool } from '../support/promtool.js';

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

function fixture(kind: string, file: string) {
  const text = readFileSync(join(FIXTURES, kind, file), 'utf8');
  copyFileSync(join(FIXTURES, kind, file), certs.path(file));
  const declared = /^# promtool: (accepts|rejects)/.exec(text)?.[1];
  return { text, declared, loaded: webConfigFromText(text, file, certs.dir) };
}

/** `accepts` or `rejects`, as promtool 2.42 judges the copy beside the certificates. */
function promtoolVerdict(file: string): string {
  const result = runTool('promtool', ['check', 'web-config', file], certs.dir);
  expect(result.output, result.output).toMatch(result.status === 0 ? /SUCCESS/ : /FAILED/);
  return result.status === 0 ? 'accepts' : 'rejects';
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

describe('bad web config fixtures', () => {
  it('cover every rule', () => {
    expect(BAD.length).toBeGreaterThanOrEqual(20);
  });

  it.each(BAD)('%s gives exactly its expected errors, and promtool does what it says', (file) => {
    const { declared, loaded } = fixture('bad', file);
    const expected = readFileSync(join(FIXTURES, 'bad', file.replace(/\.yml$/, '.errors.txt')), 'utf8')
      .split('\n')
      .filter((line) => line !== '');
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
