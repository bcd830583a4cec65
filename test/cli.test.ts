import { describe, expect, it } from 'vitest';
import { DEFAULT_PORT, parseCommandLine, parseListenAddress } from '../src/cli.js';

describe('parseCommandLine', () => {
  it('defaults to config.yaml on all interfaces at the default port', () => {
    expect(parseCommandLine([])).toEqual({
      kind: 'exporter',
      flags: {
        configFile: 'config.yaml',
        configCheck: false,
        dmsCheck: false,
        limits: { maxBytes: 4 * 1024 * 1024, maxOrders: 10_000 },
        listen: { host: undefined, port: DEFAULT_PORT },
        logLevel: 'info',
        logFormat: 'logfmt',
        demo: false,
        webConfigFile: undefined,
        enableLifecycle: false,
      },
    });
  });

  it('listens on loopback only for the demo, unless told otherwise', () => {
    expect(parseCommandLine(['--demo'])).toMatchObject({
      flags: { demo: true, listen: { host: '127.0.0.1', port: DEFAULT_PORT } },
    });
    expect(parseCommandLine(['--demo', '--web.listen-address=:9000'])).toMatchObject({
      flags: { listen: { host: undefined, port: 9000 } },
    });
  });

  it('raises the config limits', () => {
    expect(parseCommandLine(['--config.max-orders=50000', '--config.max-bytes=1048576'])).toMatchObject({
      flags: { limits: { maxBytes: 1_048_576, maxOrders: 50_000 } },
    });
    expect(parseCommandLine(['--config.max-orders=0'])).toEqual({
      kind: 'usage_error',
      message: 'invalid --config.max-orders "0": want a positive whole number',
      usage: 'exporter',
    });
  });

  it("takes the config loader's heap from --config.max-heap-mb, or leaves it to the container", () => {
    expect(parseCommandLine(['--config.max-heap-mb=96'])).toMatchObject({
      flags: { limits: { maxBytes: 4 * 1024 * 1024, maxOrders: 10_000, maxHeapMb: 96 } },
    });
    expect(parseCommandLine([])).not.toHaveProperty('flags.limits.maxHeapMb');
    expect(parseCommandLine(['--config.max-heap-mb=1g'])).toEqual({
      kind: 'usage_error',
      message: 'invalid --config.max-heap-mb "1g": want a positive whole number',
      usage: 'exporter',
    });
  });

  it('reads the dotted flags', () => {
    const command = parseCommandLine([
      '--config.file=/etc/dms.yaml',
      '--config.check',
      '--web.listen-address=127.0.0.1:9999',
      '--log.level=debug',
      '--log.format=json',
    ]);
    expect(command).toMatchObject({
      kind: 'exporter',
      flags: {
        configFile: '/etc/dms.yaml',
        configCheck: true,
        listen: { host: '127.0.0.1', port: 9999 },
        logLevel: 'debug',
        logFormat: 'json',
      },
    });
  });

  it('reads --dms.check, alone or with the demo, and refuses it beside --config.check', () => {
    expect(parseCommandLine(['--dms.check', '--demo'])).toMatchObject({
      flags: { dmsCheck: true, configCheck: false, demo: true },
    });
    expect(parseCommandLine(['--dms.check', '--config.check'])).toEqual({
      kind: 'usage_error',
      message:
        '--config.check and --dms.check do not go together: --dms.check validates the configuration too',
      usage: 'exporter',
    });
  });

  it('reads the web config file and the lifecycle switch (an empty file name means none)', () => {
    expect(parseCommandLine(['--web.config.file=web.yml', '--web.enable-lifecycle'])).toMatchObject({
      flags: { webConfigFile: 'web.yml', enableLifecycle: true },
    });
    expect(parseCommandLine(['--web.config.file='])).toMatchObject({ flags: { webConfigFile: undefined } });
  });

  it.each([
    [['--nope'], "Unknown option '--nope'"],
    [['--log.level=loud'], 'invalid --log.level "loud": want one of debug, info, warn, error'],
    [['--log.format=xml'], 'invalid --log.format "xml": want logfmt or json'],
    [['--web.listen-address=9115'], 'invalid listen address "9115": want HOST:PORT or :PORT'],
    [['simulate'], 'simulate needs --scenario=FILE'],
    [['extra'], "Unexpected argument 'extra'"],
  ])('%j is a usage error', (argv, message) => {
    const command = parseCommandLine(argv);
    expect(command.kind).toBe('usage_error');
    expect(command.kind === 'usage_error' && command.message).toContain(message);
  });

  it("answers a mistake after simulate with simulate's usage, and --help with its help", () => {
    expect(parseCommandLine(['simulate', '--nope'])).toMatchObject({
      kind: 'usage_error',
      usage: 'simulate',
    });
    expect(parseCommandLine(['simulate', '--help'])).toEqual({ kind: 'simulate_help' });
    expect(parseCommandLine(['simulate', '-h', '--scenario=s.yaml'])).toEqual({ kind: 'simulate_help' });
  });

  it('parses the simulate subcommand', () => {
    expect(parseCommandLine(['simulate', '--scenario=s.yaml', '--listen=127.0.0.1:8080'])).toEqual({
      kind: 'simulate',
      scenarioFile: 's.yaml',
      listen: { host: '127.0.0.1', port: 8080 },
      logLevel: 'info',
      logFormat: 'logfmt',
    });
  });
});

describe('parseListenAddress', () => {
  it.each([
    [':9115', { host: undefined, port: 9115 }],
    ['0.0.0.0:1', { host: '0.0.0.0', port: 1 }],
    ['[::1]:8080', { host: '::1', port: 8080 }],
    ['localhost:0', { host: 'localhost', port: 0 }],
  ])('%s', (text, expected) => {
    expect(parseListenAddress(text)).toEqual(expected);
  });

  it('rejects a port above 65535', () => {
    expect(parseListenAddress(':70000')).toBe('invalid listen address ":70000": want HOST:PORT or :PORT');
  });
});
