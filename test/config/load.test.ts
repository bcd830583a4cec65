import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/config/limits.js';
import { loadConfigFile } from '../../src/config/load.js';
import { checkConfigFile, configFromText } from '../../src/config/parse.js';
import { Secret } from '../../src/config/secret.js';

const REPO_CONFIG = join(import.meta.dirname, '..', '..', 'config.yaml');
const dir = mkdtempSync(join(tmpdir(), 'dms-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/**
 * The checks of loadConfigFile's worker thread, run in this thread: for the cases about what is read
 * and refused, as a worker costs about 0.3 s of CPU to start and hands a refusal back unchanged. The
 * cases of the worker itself (a good file, a missing one, the heap it is given) call loadConfigFile.
 */
function refusalOf(path: string, limits = DEFAULT_LIMITS): Promise<unknown> {
  return checkConfigFile(path, {}, limits);
}

function orders(count: number): string {
  return `orders:\n${Array.from({ length: count }, (_, i) => `  - id: ${i + 1}`).join('\n')}\n`;
}

describe('the shipped config.yaml', () => {
  it('is valid with no environment at all', async () => {
    const result = configFromText(await readFile(REPO_CONFIG, 'utf8'), 'config.yaml', {});
    expect(result.ok ? [] : result.error).toEqual([]);
    if (!result.ok) return;
    expect(result.value.profiles.get('default')?.credentials).toEqual({ kind: 'default_chain' });
    expect(result.value.orders.length).toBeGreaterThanOrEqual(2);
  });

  it('loads through loadConfigFile (in its worker thread)', async () => {
    const result = await loadConfigFile(REPO_CONFIG, {});
    expect(result.ok ? [] : result.error).toEqual([]);
  });
});

describe('loadConfigFile', () => {
  it('names a missing file', async () => {
    const missing = join(dir, 'missing.yaml');
    expect(await loadConfigFile(missing, {})).toEqual({
      ok: false,
      error: [`${missing}: cannot read config file: no such file`],
    });
  });

  it('reads secret files relative to the config file and names a missing one', async () => {
    file('ak_secret', 'from-a-file\n');
    const path = file(
      'relative.yaml',
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
    expect(await refusalOf(path)).toEqual({
      ok: false,
      error: [
        `${path}:7: profiles.broken.access_key_secret_file: cannot read "no_such_secret": no such file`,
      ],
    });
    file(
      'relative.yaml',
      'profiles:\n  default:\n    access_key_id: id\n    access_key_secret_file: ak_secret\n',
    );
    const good = await loadConfigFile(path, {});
    if (!good.ok) throw new Error(good.error.join('\n'));
    const credentials = good.value.profiles.get('default')?.credentials;
    expect(credentials?.kind === 'access_key' && credentials.accessKeySecret).toEqual({
      kind: 'file',
      path: join(dir, 'ak_secret'),
    });
  });

  it('refuses a config file or a secret file that is a named pipe, at once, saying so', async () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(await refusalOf(fifo)).toEqual({
      ok: false,
      error: [`${fifo}: cannot read config file: is a named pipe (FIFO), not a regular file`],
    });
    const path = file(
      'fifo-secrets.yaml',
      'profiles:\n  default:\n    access_key_id: id\n    access_key_secret_file: fifo\n    security_token_file: fifo\n',
    );
    expect(await refusalOf(path)).toEqual({
      ok: false,
      error: [
        `${path}:4: profiles.default.access_key_secret_file: cannot read "fifo": is a named pipe (FIFO), not a regular file`,
        `${path}:5: profiles.default.security_token_file: cannot read "fifo": is a named pipe (FIFO), not a regular file`,
      ],
    });
  });

  // The worker builds the typed config; what crosses to this thread is a structured clone, which
  // would turn each Secret into an empty object (config/transfer.ts).
  it('hands over the typed config its worker built: the same config, its Secrets still Secrets', async () => {
    const text = [
      'profiles:',
      '  default:',
      '    access_key_id: id',
      '    access_key_secret: literal-ak-secret',
      '    security_token: literal-sts-token',
      '    proxy: http://user:proxy-password@127.0.0.1:3128',
      '    discovery: { enabled: true, include_comment: "^audit" }',
      'orders:',
      '  - { id: 1, name: first }',
      '',
    ].join('\n');
    const path = file('secrets.yaml', text);
    const loaded = await loadConfigFile(path, {});
    const inThread = configFromText(text, path, {}, { baseDir: dir });
    if (!loaded.ok || !inThread.ok) throw new Error('both load');
    expect(loaded.value).toEqual(inThread.value);
    const profile = loaded.value.profiles.get('default');
    const { credentials } = profile ?? {};
    if (credentials?.kind !== 'access_key') throw new Error('access key credentials expected');
    const secrets = [
      credentials.accessKeySecret.kind === 'literal' ? credentials.accessKeySecret.secret : undefined,
      credentials.securityToken?.kind === 'literal' ? credentials.securityToken.secret : undefined,
      profile?.proxy.url,
    ];
    expect(secrets.map((secret) => secret instanceof Secret && secret.reveal())).toEqual([
      'literal-ak-secret',
      'literal-sts-token',
      'http://user:proxy-password@127.0.0.1:3128',
    ]);
    const printed = inspect(loaded.value, { depth: null });
    expect(printed).toContain('<secret>');
    expect(printed).not.toMatch(/literal-|proxy-password/);
    expect(profile?.discovery?.includeComment).toEqual(/^audit/u);
  });

  it('expands ${VAR} from the environment it is given', async () => {
    const path = file('env.yaml', 'orders:\n  - { id: 1, name: "${ORDER_NAME}" }\n');
    const result = await loadConfigFile(path, { ORDER_NAME: 'from-env' });
    expect(result.ok && result.value.orders[0]?.name).toBe('from-env');
  });
});

describe('bounded input', () => {
  // 16 GiB, sparse (no disk used): more than a Buffer can hold, and far more than 10 s to read
  // through, so only a loader that stops at the cap answers, and in time.
  it('refuses a file over the size cap without reading it whole', { timeout: 10_000 }, async () => {
    const path = file('huge.yaml', 'orders:\n  - id: 1\n    name: x');
    truncateSync(path, 16 * 2 ** 30);
    expect(await refusalOf(path)).toEqual({
      ok: false,
      error: [`${path}: config file is larger than the limit of 4 MiB`],
    });
    const small = await refusalOf(path, { maxBytes: 1024, maxOrders: 10 });
    expect(small).toEqual({ ok: false, error: [`${path}: config file is larger than the limit of 1 KiB`] });
  });

  it('refuses more than 10,000 orders with one message, unless the limit is raised', async () => {
    const path = file('many.yaml', orders(10_001));
    expect(await refusalOf(path)).toEqual({
      ok: false,
      error: [
        `${path}:2: orders: has 10001 orders, more than the limit of 10000 (raise it with --config.max-orders)`,
      ],
    });
    // Through the worker, within the 64 MiB of heap that 10,000 orders in this layout need at most.
    const raised = await loadConfigFile(
      path,
      {},
      { maxBytes: 4 * 1024 * 1024, maxOrders: 20_000, maxHeapMb: 64 },
    );
    expect(raised.ok ? [] : raised.error).toEqual([]);
    expect(raised.ok && raised.value.orders.length).toBe(10_001);
  });

  // The orders are counted before the text is parsed: a syntax tree of 70,000 orders needs about
  // 100 MiB (287,000, what the default 4 MiB cap lets through at this density, about 400 MiB), so a
  // loader that built it first would run out of this heap instead. A denser file under the same cap
  // only costs the count more time: it is the heap that shows the order of the steps.
  it('refuses 1 MiB of orders before building them, within 32 MiB of heap', async () => {
    const lines = orders(70_000);
    const path = file('dense.yaml', lines);
    expect(lines.length).toBeLessThan(1024 * 1024);
    const limits = { maxBytes: 1024 * 1024, maxOrders: 10_000, maxHeapMb: 32 };
    expect(await loadConfigFile(path, {}, limits)).toEqual({
      ok: false,
      error: [
        `${path}:2: orders: has 70000 orders, more than the limit of 10000 (raise it with --config.max-orders)`,
      ],
    });
  });

  it('refuses more YAML tokens than the orders allowed need, before parsing them', async () => {
    // 100 orders of 8 tokens each, and a list of 3 tokens per item: over 100 * 40 + 100,000.
    const path = file('tokens.yaml', `${orders(100)}x: [${'1, '.repeat(35_000)}1]\n`);
    const limits = { maxBytes: 4 * 1024 * 1024, maxOrders: 100 };
    expect(await refusalOf(path, limits)).toEqual({
      ok: false,
      error: [
        `${path}:102: more than 104000 YAML tokens (keys, values, punctuation, comments, line breaks), more than a config of 100 orders needs (raise it with --config.max-orders)`,
      ],
    });
  });

  it('counts a list of orders that arrives by an alias once it is read', () => {
    const text = `x: &all [${Array.from({ length: 11 }, (_, i) => `{ id: ${i + 1} }`).join(', ')}]\norders: *all\n`;
    expect(configFromText(text, 'c.yaml', {}, { limits: { maxBytes: 1024 * 1024, maxOrders: 10 } })).toEqual({
      ok: false,
      error: [
        'c.yaml:1: orders: has 11 orders, more than the limit of 10 (raise it with --config.max-orders)',
      ],
    });
  });

  // That the same orders load with 64 MiB is shown above (10,001 orders, the limit raised): a second
  // parse of 10,000 orders would cost a second of CPU and show nothing more.
  it('says which heap was too small when a file needs more', async () => {
    const path = file('needs-heap.yaml', orders(10_000));
    const small = { maxBytes: 4 * 1024 * 1024, maxOrders: 10_000, maxHeapMb: 4 };
    expect(await loadConfigFile(path, {}, small)).toEqual({
      ok: false,
      error: [
        `${path}: too large or too deeply aliased to load within 4 MiB of heap (raise it with --config.max-heap-mb)`,
      ],
    });
  });

  it('refuses invalid UTF-8, naming the line', async () => {
    const bytes = Buffer.concat([
      Buffer.from('orders:\n  - id: 1\n    name: caf'),
      Buffer.from([0xe9]),
      Buffer.from('\n'),
    ]);
    const path = file('latin1.yaml', bytes);
    expect(await refusalOf(path)).toEqual({
      ok: false,
      error: [`${path}:3: invalid UTF-8 (the file must be UTF-8 text)`],
    });
  });

  it('refuses a string longer than a name may be, without echoing it', () => {
    const result = configFromText(`orders:\n  - id: 1\n    name: ${'n'.repeat(100_000)}\n`, 'c.yaml', {});
    expect(result).toEqual({
      ok: false,
      error: ['c.yaml:3: orders[0].name: must be at most 1024 characters long, got 100000'],
    });
  });

  it('refuses an alias bomb', () => {
    const levels = Array.from(
      { length: 8 },
      (_, i) => `l${i + 1}: &l${i + 1} [${Array(10).fill(`*l${i}`).join(', ')}]`,
    );
    const text = `x:\n  l0: &l0 [a, b, c, d, e, f, g, h, i, j]\n${levels.map((l) => `  ${l}`).join('\n')}\n`;
    expect(configFromText(text, 'bomb.yaml', {})).toEqual({
      ok: false,
      error: [
        'bomb.yaml:1: the document has more than 1000000 values (aliases counted each time they are used)',
      ],
    });
  });
});
