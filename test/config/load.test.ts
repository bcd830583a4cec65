import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfigFile, parseConfig } from '../../src/config/index.js';

const REPO_CONFIG = join(import.meta.dirname, '..', '..', 'config.yaml');
const dir = mkdtempSync(join(tmpdir(), 'dms-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the shipped config.yaml', () => {
  it('is valid with no environment at all', async () => {
    const { readFile } = await import('node:fs/promises');
    const result = parseConfig(
      await readFile(REPO_CONFIG, 'utf8'),
      'config.yaml',
      {},
      () => new Error('no files'),
    );
    expect(result.ok ? [] : result.errors).toEqual([]);
    if (!result.ok) return;
    expect(result.config.profiles.get('default')?.credentials).toEqual({ kind: 'default_chain' });
    expect(result.config.orders.length).toBeGreaterThanOrEqual(2);
  });

  it('loads through loadConfigFile', async () => {
    const result = await loadConfigFile(REPO_CONFIG);
    expect(result.ok).toBe(true);
  });
});

describe('loadConfigFile', () => {
  it('names a missing file', async () => {
    const missing = join(dir, 'missing.yaml');
    expect(await loadConfigFile(missing)).toEqual({
      ok: false,
      errors: [`${missing}: cannot read config file: no such file`],
    });
  });

  it('reads secret files relative to the config file and names a missing one', async () => {
    writeFileSync(join(dir, 'ak_secret'), 'from-a-file\n');
    const file = join(dir, 'relative.yaml');
    writeFileSync(
      file,
      [
        'profiles:',
        '  default:',
        '    access_key_id: id',
        '    access_key_secret_file: ak_secret',
        '  broken:',
        '    access_key_id: id',
        '    access_key_secret_file: no_such_secret',
        '',
      ].join('\n'),
    );
    const result = await loadConfigFile(file);
    expect(result).toEqual({
      ok: false,
      errors: [
        `${file}:7: profiles.broken.access_key_secret_file: cannot read "no_such_secret": no such file`,
      ],
    });
    writeFileSync(
      file,
      'profiles:\n  default:\n    access_key_id: id\n    access_key_secret_file: ak_secret\n',
    );
    const good = await loadConfigFile(file);
    if (!good.ok) throw new Error(good.errors.join('\n'));
    const credentials = good.config.profiles.get('default')?.credentials;
    expect(credentials?.kind === 'access_key' && credentials.accessKeySecret.reveal()).toBe('from-a-file');
  });
});
