import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Secret } from '../src/config/secret.js';
import { createLogger } from '../src/logging.js';

function capture(): { out: Writable; lines: string[] } {
  const lines: string[] = [];
  const out = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { out, lines };
}

describe('createLogger', () => {
  it('writes logfmt, quoting values that need it', () => {
    const { out, lines } = capture();
    createLogger('info', 'logfmt', out).warn(
      { order_id: 7, code: 'Throttling.User', note: 'two words' },
      'cannot read',
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^level=warn time=\S+ order_id=7 code=Throttling\.User note="two words" msg="cannot read"\n$/,
    );
  });

  it('writes JSON lines, honours the level, and never prints a Secret', () => {
    const { out, lines } = capture();
    const logger = createLogger('warn', 'json', out);
    logger.info('hidden');
    logger.error({ secret: new Secret('s3cr3t-value') }, 'shown');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ level: 'error', msg: 'shown', secret: '<secret>' });
    expect(lines[0]).not.toContain('s3cr3t-value');
  });
});
