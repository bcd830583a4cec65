/**
 * Secret files are checked (stat, and read when changed) on every DMS call. Calls that run at once
 * share one check per file, while a call still sees a file changed before it began. The file system
 * is the real one, counted and, where a test says so, held between a stat and its answer.
 */
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type * as FsPromises from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { Secret } from '../../src/config/secret.js';
import { FileBackedCredential } from '../../src/dms/credentials.js';

const fs = vi.hoisted(() => ({
  stats: 0,
  answered: 0,
  opens: 0,
  hold: undefined as Promise<void> | undefined,
}));

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof FsPromises>();
  return {
    ...real,
    stat: async (...args: Parameters<typeof real.stat>) => {
      fs.stats++;
      const info = await real.stat(...args);
      fs.answered++;
      await fs.hold;
      return info;
    },
    open: (...args: Parameters<typeof real.open>) => {
      fs.opens++;
      return real.open(...args);
    },
  };
});

const dir = mkdtempSync(join(tmpdir(), 'credentials-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(path: string, value: string): void {
  writeFileSync(`${path}.new`, `${value}\n`);
  renameSync(`${path}.new`, path);
}

function credentialFor(path: string): FileBackedCredential {
  return new FileBackedCredential({
    kind: 'access_key',
    accessKeyId: 'LTAIcredentialsTest',
    accessKeySecret: { kind: 'literal', secret: new Secret('literal-secret') },
    securityToken: { kind: 'file', path },
  });
}

beforeEach(() => {
  fs.stats = 0;
  fs.answered = 0;
  fs.opens = 0;
  fs.hold = undefined;
});

describe('FileBackedCredential', () => {
  it('checks a file once for calls made at once, and once per call made one after another', async () => {
    const path = join(dir, 'shared');
    write(path, 'token-one');
    const credential = credentialFor(path);
    const models = await Promise.all(Array.from({ length: 8 }, () => credential.getCredential()));
    expect(models.map((m) => m.securityToken)).toEqual(Array(8).fill('token-one'));
    // The first call's check, and one more shared by the 7 that came while it ran (see below).
    expect(fs.stats).toBe(2);
    expect(fs.opens).toBe(1);
    await credential.getCredential();
    await credential.getCredential();
    expect(fs.stats).toBe(4);
    expect(fs.opens).toBe(1);
  });

  it('gives a call the file as changed before the call began, though a check started earlier runs', async () => {
    const path = join(dir, 'changing');
    write(path, 'token-old');
    const credential = credentialFor(path);
    expect((await credential.getCredential()).securityToken).toBe('token-old');
    let release = (): void => undefined;
    fs.hold = new Promise((resolve) => (release = resolve));
    const early = credential.getCredential();
    await vi.waitFor(() => expect(fs.answered).toBe(2)); // the early call's stat has seen the old file
    write(path, 'token-new');
    const late = credential.getCredential();
    fs.hold = undefined;
    release();
    expect((await early).securityToken).toBe('token-old'); // it began before the change
    expect((await late).securityToken).toBe('token-new');
  });
});
