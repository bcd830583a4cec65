import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseYamlSource, toPlainValue } from 'yaml-files';
import { CROSS_KEY_RULES } from '../../src/config/cross-checks.js';
import { FIXTURES, parseFixture, readFixtureSecret } from './fixture-support.js';

// Blackbox style: one fixture per problem, its exact messages beside it in NAME.errors.txt.
const BAD = join(FIXTURES, 'bad');
const fixtures = readdirSync(BAD)
  .filter((file) => file.endsWith('.yaml'))
  .sort();

const expectedErrors = (file: string): string[] =>
  readFileSync(join(BAD, file.replace(/\.yaml$/, '.errors.txt')), 'utf8')
    .split('\n')
    .filter((line) => line !== '');

/**
 * The rule across keys a fixture is about: the only one it breaks, and the reason for every one of
 * its expected errors. Undefined for a fixture about the schema or YAML, or about several rules.
 */
function ruleOf(file: string): string | undefined {
  // The rules read the file as the loader hands it to them: its plain values (integers as bigints).
  const parsed = parseYamlSource(readFileSync(join(BAD, file), 'utf8'), file);
  if (!parsed.ok) return undefined; // not YAML a rule could read
  const top = toPlainValue(parsed.value, { maxValues: 10_000 }).value;
  if (typeof top !== 'object' || top === null) return undefined;
  const broken = CROSS_KEY_RULES.map((rule) => ({
    id: rule.id,
    problems: rule.check(top as Record<string, unknown>, readFixtureSecret).length,
  })).filter((r) => r.problems > 0);
  const [only] = broken;
  return broken.length === 1 && only?.problems === expectedErrors(file).length ? only.id : undefined;
}

describe('bad config fixtures', () => {
  it.each(CROSS_KEY_RULES.map((rule) => rule.id))(
    'has exactly one fixture for the rule %s, named after it, that breaks that rule alone',
    (id) => {
      expect(fixtures.filter((file) => ruleOf(file) === id)).toEqual([`${id}.yaml`]);
    },
  );

  it.each(fixtures)('%s gives exactly its expected errors', (file) => {
    const expected = expectedErrors(file);
    const result = parseFixture(join(BAD, file));
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.error).toEqual(expected);
  });

  it('gives one line per message, each starting with the file name', () => {
    for (const file of fixtures) {
      const result = parseFixture(join(BAD, file));
      for (const message of result.ok ? [] : result.error) {
        expect(message).not.toContain('\n');
        expect(message.startsWith(`${file}:`)).toBe(true);
      }
    }
  });
});
