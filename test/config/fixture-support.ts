import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { err, ok, type Result } from 'yaml-files';
import { checkConfigText, typedConfig, type ConfigResult } from '../../src/config/parse.js';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'config');

/** Secret values the fixtures can reach; none may ever appear in a message or a printed config. */
export const SECRET_VALUES = [
  'sekrit-env-secret',
  'sekrit-file-secret',
  'sekrit-env-token',
  'sekrit-file-token',
  'sekrit-proxy-password',
];

export const FIXTURE_ENV: Readonly<Record<string, string>> = {
  DMS_AK_ID: 'LTAI5tFixtureKeyId',
  DMS_AK_SECRET: 'sekrit-env-secret',
  DMS_STS_TOKEN: 'sekrit-env-token',
  PROXY_PASSWORD: 'sekrit-proxy-password',
  EMPTY: '',
};

const SECRET_FILES: Readonly<Record<string, string>> = {
  '/run/secrets/ak': 'sekrit-file-secret\n',
  '/run/secrets/token': 'sekrit-file-token\r\n',
  '/run/secrets/empty': '\n',
  '/run/secrets/proxy': 'sekrit-proxy-password\n',
};

/** A fake file system for *_file keys; other paths fail as a missing file does. */
export function readFixtureSecret(path: string): Result<string, string> {
  const content = SECRET_FILES[path];
  return content === undefined ? err('no such file') : ok(content);
}

/** Parses a fixture with the fixture environment, naming it by its base name in messages. */
export function parseFixture(path: string, env = FIXTURE_ENV): ConfigResult {
  const checked = checkConfigText(readFileSync(path, 'utf8'), basename(path), env, readFixtureSecret);
  return checked.ok ? ok(typedConfig(checked.value, '/')) : checked;
}
