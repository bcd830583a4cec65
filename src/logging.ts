import { Writable } from 'node:stream';
import { pino, type Logger, type LevelWithSilent } from 'pino';

export type LogFormat = 'json' | 'logfmt';
export const LOG_LEVELS: readonly LevelWithSilent[] = ['debug', 'info', 'warn', 'error'];

/**
 * A pino logger writing to `out` (stderr by default) as JSON lines or logfmt. Pino always builds
 * JSON; for logfmt each line is re-encoded, which is cheap at an exporter's log volume.
 */
export function createLogger(
  level: LevelWithSilent,
  format: LogFormat,
  out: NodeJS.WritableStream = process.stderr,
): Logger {
  const options = {
    level,
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
  };
  if (format === 'json') return pino(options, out);
  return pino(
    options,
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        out.write(jsonLineToLogfmt(chunk.toString('utf8')));
        done();
      },
    }),
  );
}

export function jsonLineToLogfmt(line: string): string {
  const record = JSON.parse(line) as Record<string, unknown>;
  const pairs = Object.entries(record).map(([key, value]) => `${key}=${logfmtValue(value)}`);
  return `${pairs.join(' ')}\n`;
}

function logfmtValue(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return /^[^\s"=]+$/.test(text) ? text : JSON.stringify(text);
}
