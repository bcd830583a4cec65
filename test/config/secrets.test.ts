import { readdirSync } from 'node:fs';
import { inspect } from 'node:util';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, SECRET_VALUES, parseFixture } from './fixture-support.js';

function fixturesIn(kind: 'bad' | 'good'): string[] {
  const dir = join(FIXTURES, kind);
  return readdirSync(dir)
    .filter((file) => file.endsWith('.yaml'))
    .map((file) => join(dir, file));
}

function expectNoSecret(text: string): void {
  for (const secret of SECRET_VALUES) expect(text).not.toContain(secret);
  // Values written literally in the fixtures next to secret keys.
  expect(text).not.toContain('sim-secret');
  expect(text).not.toContain('sekrit-literal-value');
  expect(text).not.toContain('sekrit-token-value');
}

describe('secrets never print', () => {
  it('no error message contains a secret value', () => {
    for (const file of fixturesIn('bad')) {
      const result = parseFixture(file);
      expectNoSecret(result.ok ? '' : result.error.join('\n'));
    }
  });

  it('no JSON.stringify or util.inspect of a parsed config contains a secret value', () => {
    for (const file of fixturesIn('good')) {
      const result = parseFixture(file);
      expect(result.ok).toBe(true);
      if (!result.ok) continue;
      const profiles = Object.fromEntries(result.value.profiles);
      expectNoSecret(JSON.stringify({ ...result.value, profiles }));
      expectNoSecret(inspect(result.value, { depth: Infinity }));
      expectNoSecret(`${String(profiles.default?.credentials.kind)} ${JSON.stringify(profiles)}`);
    }
  });

  it('the secrets are really there behind reveal()', () => {
    const result = parseFixture(join(FIXTURES, 'good', 'full.yaml'));
    if (!result.ok) throw new Error(result.error.join('\n'));
    const credentials = result.value.profiles.get('sts')?.credentials;
    const secret = credentials?.kind === 'access_key' ? credentials.accessKeySecret : undefined;
    expect(secret?.kind === 'literal' && secret.secret.reveal()).toBe('sekrit-env-secret');
  });
});
