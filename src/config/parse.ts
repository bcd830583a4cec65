import { LineCounter, isMap, parseDocument } from 'yaml';
import type { YAMLError } from 'yaml';
import { report } from './context.js';
import type { Context } from './context.js';
import { DEFAULT_SCRAPE } from './defaults.js';
import { openSection, shown, valueNode, valueOf } from './nodes.js';
import { readOrders } from './orders.js';
import { readProfiles } from './profiles.js';
import { readScrape } from './scrape.js';
import type { Config } from './types.js';

export type ConfigResult = { ok: true; config: Config } | { ok: false; errors: readonly string[] };

const ROOT_KEYS = ['profiles', 'scrape', 'orders'];

/**
 * Pure: YAML text to a validated, defaulted Config, or every problem found. `fileName` is only used in
 * messages; `env` feeds ${VAR}; `readSecretFile` reads *_file keys (an Error names why it could not).
 */
export function parseConfig(
  text: string,
  fileName: string,
  env: Readonly<Record<string, string | undefined>>,
  readSecretFile: (path: string) => string | Error,
): ConfigResult {
  const lineCounter = new LineCounter();
  // prettyErrors off: the default appends a multi-line excerpt; our messages are one line each.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const yamlProblems = [...doc.errors, ...doc.warnings];
  if (yamlProblems.length > 0) {
    return { ok: false, errors: yamlProblems.map((e) => syntaxMessage(fileName, lineCounter, e)) };
  }
  const ctx: Context = { fileName, text, doc, lineCounter, env, readSecretFile, errors: [] };
  return validate(ctx);
}

function validate(ctx: Context): ConfigResult {
  // An empty file (or only comments) has no contents: like an empty mapping, all defaults.
  const top = valueNode(ctx, ctx.doc.contents);
  if (top !== undefined && !isMap(top)) {
    report(ctx, '', top, `the top level must be a mapping (${ROOT_KEYS.join(', ')}), got ${shown(ctx, top)}`);
    return failure(ctx);
  }
  const root = openSection(ctx, top, '', ROOT_KEYS);
  if (root === undefined) return failure(ctx);
  const profiles = readProfiles(ctx, valueOf(root, 'profiles'));
  const scrape = readScrape(ctx, valueOf(root, 'scrape'));
  const orders = readOrders(ctx, valueOf(root, 'orders'), profiles);
  if (ctx.errors.length > 0 || orders === undefined) return failure(ctx);
  return { ok: true, config: { profiles: profiles.profiles, scrape: scrape ?? DEFAULT_SCRAPE, orders } };
}

/** Problems in file order (the sort is stable, so one line's problems keep the order found). */
function failure(ctx: Context): ConfigResult {
  const sorted = [...ctx.errors].sort((a, b) => a.line - b.line);
  return { ok: false, errors: sorted.map((p) => p.message) };
}

function syntaxMessage(fileName: string, lineCounter: LineCounter, error: YAMLError): string {
  const { line, col } = lineCounter.linePos(error.pos[0]);
  return `${fileName}:${line}:${col}: ${error.message}`;
}
