import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, parseFixture } from './fixture-support.js';

// Blackbox style: one fixture per problem, its exact messages beside it in NAME.errors.txt.
const BAD = join(FIXTURES, 'bad');
const fixtures = readdirSync(BAD)
  .filter((file) => file.endsWith('.yaml'))
  .sort();

describe('bad config fixtures', () => {
  it('has a fixture for every rule', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(15);
  });

  it.each(fixtures)('%s gives exactly its expected errors', (file) => {
    const expected = readFileSync(join(BAD, file.replace(/\.yaml$/, '.errors.txt')), 'utf8')
      .split('\n')
      .filter((line) => line !== '');
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
