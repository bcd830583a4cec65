/**
 * Secrets given as files (`access_key_secret_file`, `security_token_file`) change under a running
 * exporter, as a rotated Kubernetes Secret or a refreshed STS token does: the next scrape uses the new
 * value without a reload, and no secret ever reaches the logs or the metrics.
 */
import { mkdtempSync, renameSync, rmSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  TEST_KEY,
  sampleValue,
  scenarioFromYaml,
  scenarioYaml,
  startStack,
  type Stack,
} from '../support/stack.js';

const ID = TEST_KEY.accessKeyId;
const dir = mkdtempSync(join(tmpdir(), 'secret-rotation-'));
const ORDER = '  - { id: 1, list: 1h, download: 1h, filter: 1h }';
const UP = 'aliyun_dms_datatrack_up{order_id="1"}';
const RELOAD_TIME = 'aliyun_dms_datatrack_config_last_reload_success_timestamp_seconds';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A profile key and its value, as the config writes it; min_interval 0s so every scrape asks DMS. */
function config(credentials: string): string {
  return `profiles:
  default: { endpoint: '\${SIM}', protocol: http, access_key_id: ${ID}, ${credentials} }
scrape: { min_interval: 0s }
orders:
  - id: 1
`;
}

/**
 * As a Kubernetes Secret volume changes: the new file is complete before it takes the old name.
 * `modifiedAtS`, when given, is the new file's modification time (seconds).
 */
function replaceFile(path: string, value: string, ending = '\n', modifiedAtS?: number): void {
  writeFileSync(`${path}.new`, `${value}${ending}`);
  if (modifiedAtS !== undefined) utimesSync(`${path}.new`, modifiedAtS, modifiedAtS);
  renameSync(`${path}.new`, path);
}

function errorCode(text: string): string | undefined {
  return /^aliyun_dms_datatrack_order_error_info\{order_id="1",code="([^"]+)"\} 1$/m.exec(text)?.[1];
}

function expectNowhere(values: readonly string[]): void {
  for (const output of stack?.rawLogs ?? []) for (const value of values) expect(output).not.toContain(value);
}

const CASES = [
  {
    kind: 'AccessKey secret',
    file: 'ak-secret',
    before: 'first-secret-Lq7wX2pZ',
    after: 'second-secret-Hv4nR8tKm3',
    credentials: (path: string) => `access_key_secret_file: '${path}'`,
    key: (secret: string) => ({ id: ID, secret }),
    refused: 'SignatureDoesNotMatch',
  },
  {
    kind: 'STS token',
    file: 'sts-token',
    before: 'CAIS-first-token-9fJ2',
    after: 'CAIS-second-token-7Qp4Zx',
    credentials: (path: string) => `access_key_secret: '\${AK_SECRET}', security_token_file: '${path}'`,
    key: (token: string) => ({ id: ID, secret: TEST_KEY.accessKeySecret, token }),
    refused: 'InvalidSecurityToken.MismatchWithAccessKey',
  },
];

describe('secret files rotate without a reload', () => {
  it.each(CASES)('uses a rotated $kind file from the next scrape on', async (c) => {
    const path = join(dir, c.file);
    replaceFile(path, c.before);
    stack = await startStack({
      scenario: scenarioFromYaml(scenarioYaml(ORDER, { keys: [c.key(c.before)] })),
      configText: config(c.credentials(path)),
    });
    const first = (await stack.scrape()).text;
    expect(sampleValue(first, UP)).toBe(1);

    // DMS now wants the new value; the file still holds the old one.
    stack.simulator.setCredentials(
      scenarioFromYaml(scenarioYaml(ORDER, { keys: [c.key(c.after)] })).credentials,
    );
    const refused = (await stack.scrape()).text;
    expect(sampleValue(refused, UP)).toBe(0);
    expect(errorCode(refused)).toBe(c.refused);

    replaceFile(path, c.after);
    const rotated = (await stack.scrape()).text;
    expect(sampleValue(rotated, UP)).toBe(1);
    expect(sampleValue(rotated, 'aliyun_dms_datatrack_config_last_reload_successful')).toBe(1);
    expect(sampleValue(rotated, RELOAD_TIME)).toBe(sampleValue(first, RELOAD_TIME));
    expect(stack.logs.map((l) => l.msg)).not.toContain('config reloaded');
    expect(stack.logs.map((l) => l.msg)).toContain('order readable again');
    expectNowhere([c.before, c.after]);
    for (const text of [first, refused, rotated]) expect(text).not.toContain(c.after);
  });
});

describe('reading a secret file', () => {
  const path = join(dir, 'line-ends');
  const configText = config(`access_key_secret_file: '${path}'`);

  it('removes one trailing newline, \\r\\n included, and no more', async () => {
    replaceFile(path, TEST_KEY.accessKeySecret, '\r\n');
    stack = await startStack({ scenario: scenarioFromYaml(scenarioYaml(ORDER)), configText });
    const text = (await stack.scrape()).text;
    expect(errorCode(text)).toBeUndefined();
    expect(sampleValue(text, UP)).toBe(1);
    // The second newline is part of the value: DMS is sent a signature made with "secret\n".
    replaceFile(path, TEST_KEY.accessKeySecret, '\n\n');
    const twice = (await stack.scrape()).text;
    expect(sampleValue(twice, UP)).toBe(0);
    expect(errorCode(twice)).toBe('SignatureDoesNotMatch');
  });

  it('reads again a file replaced by one of the same size and modification time: its inode changed', async () => {
    const [before, after] = ['same-length-secret-A1', 'same-length-secret-B2'];
    const modifiedAtS = 1_767_225_600; // whole seconds, so both files carry exactly the same time
    replaceFile(path, before, '\n', modifiedAtS);
    stack = await startStack({
      scenario: scenarioFromYaml(scenarioYaml(ORDER, { keys: [{ id: ID, secret: before }] })),
      configText,
    });
    expect(sampleValue((await stack.scrape()).text, UP)).toBe(1);
    stack.simulator.setCredentials(
      scenarioFromYaml(scenarioYaml(ORDER, { keys: [{ id: ID, secret: after }] })).credentials,
    );
    const old = statSync(path);
    replaceFile(path, after, '\n', modifiedAtS);
    const now = statSync(path);
    expect([now.size, now.mtimeMs, now.ino === old.ino]).toEqual([old.size, old.mtimeMs, false]);
    const text = (await stack.scrape()).text;
    expect(errorCode(text)).toBeUndefined();
    expect(sampleValue(text, UP)).toBe(1);
  });
});

describe('a secret file that cannot be read', () => {
  const path = join(dir, 'vanishing');
  const configText = config(`access_key_secret_file: '${path}'`);
  const scenario = scenarioFromYaml(scenarioYaml(ORDER));

  it('keeps the last value it read when the file is deleted', async () => {
    replaceFile(path, TEST_KEY.accessKeySecret);
    stack = await startStack({ scenario, configText });
    expect(sampleValue((await stack.scrape()).text, UP)).toBe(1);
    unlinkSync(path);
    const text = (await stack.scrape()).text;
    expect(sampleValue(text, UP)).toBe(1);
    expect(stack.simulator.callCount()).toBe(2); // asked DMS again, signed with the remembered secret
    const warned = stack.logs.filter(
      (l) => l.msg === 'secret file unreadable; using the value read before until it can be read again',
    );
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatchObject({ level: 'warn', path, profile: 'default' });
    await stack.scrape();
    expect(stack.logs.filter((l) => l.path === path)).toHaveLength(1); // once, not once per call
  });

  it('warns again when the file, readable again unchanged, becomes unreadable a second time', async () => {
    replaceFile(path, TEST_KEY.accessKeySecret);
    stack = await startStack({ scenario, configText });
    const warnings = (): number => stack?.logs.filter((l) => l.path === path).length ?? 0;
    expect(sampleValue((await stack.scrape()).text, UP)).toBe(1);
    // Moved away and back: the same file (inode, size, time) as the one read first.
    renameSync(path, `${path}.away`);
    expect(sampleValue((await stack.scrape()).text, UP)).toBe(1);
    expect(warnings()).toBe(1);
    renameSync(`${path}.away`, path);
    expect(sampleValue((await stack.scrape()).text, UP)).toBe(1);
    expect(warnings()).toBe(1);
    renameSync(path, `${path}.away`);
    expect(sampleValue((await stack.scrape()).text, UP)).toBe(1);
    expect(warnings()).toBe(2);
    expect(stack.simulator.callCount()).toBe(4);
  });

  it('gives code secret_unreadable when it was never read, and calls nothing', async () => {
    // The file is there when the configuration is checked, and gone before the first DMS call.
    replaceFile(path, TEST_KEY.accessKeySecret);
    stack = await startStack({ scenario, configText });
    unlinkSync(path);
    const text = (await stack.scrape()).text;
    expect(sampleValue(text, UP)).toBe(0);
    expect(errorCode(text)).toBe('secret_unreadable');
    expect(stack.simulator.callCount()).toBe(0);
    expect(stack.logs.find((l) => l.code === 'secret_unreadable')).toMatchObject({
      level: 'warn',
      msg: 'cannot read order from DMS',
      order_id: 1,
    });
    expectNowhere([TEST_KEY.accessKeySecret]);
  });
});
