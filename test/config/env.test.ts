import { describe, expect, it } from 'vitest';
import { expandEnv } from '../../src/config/env.js';

const env = { A: 'alpha', EMPTY: '', B_2: 'beta' };

describe('expandEnv', () => {
  it.each([
    ['plain', 'plain'],
    ['${A}', 'alpha'],
    ['x-${A}-${B_2}-y', 'x-alpha-beta-y'],
    ['${EMPTY}', ''],
    ['$${A}', '${A}'],
    ['$$${A}', '$${A}'],
    ['cost $5 and $A', 'cost $5 and $A'],
    ['${A}$${A}', 'alpha${A}'],
  ])('%j becomes %j', (text, expected) => {
    expect(expandEnv(text, env)).toEqual({ ok: true, value: expected });
  });

  it('names every unset variable', () => {
    expect(expandEnv('${X}/${A}/${Y}', env)).toEqual({
      ok: false,
      error: ['environment variable X is not set', 'environment variable Y is not set'],
    });
  });

  it('rejects malformed references without echoing the text', () => {
    const result = expandEnv('top-secret-${bad name}', env);
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain('top-secret');
    expect(JSON.stringify(result)).not.toContain('bad name');
  });
});
