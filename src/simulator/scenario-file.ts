import { readFile } from 'node:fs/promises';
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import type { Scenario } from './scenario.js';
import { scenarioSchema } from './scenario-schema.js';

// Scenario YAML -> Scenario. Messages read `file:line: key.path: reason`, like the exporter's config.

export type ScenarioResult = { ok: true; scenario: Scenario } | { ok: false; error: string };

/** Parses and validates scenario YAML; every problem found is one line of `error`. */
export function parseScenario(text: string, fileName: string): ScenarioResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    const messages = doc.errors.map((e) => {
      const line = lines.linePos(e.pos[0]).line;
      return `${fileName}:${line}: invalid YAML: ${e.message.split('\n')[0] ?? ''}`;
    });
    return { ok: false, error: messages.join('\n') };
  }
  const parsed = scenarioSchema.safeParse(doc.toJS() ?? {});
  if (parsed.success) return { ok: true, scenario: parsed.data };
  const messages = parsed.error.issues.flatMap((issue) => describeIssue(issue, doc, lines));
  // In file order, as a reader fixes them; sort is stable, so one line's messages keep their order.
  messages.sort((a, b) => a.line - b.line);
  return { ok: false, error: messages.map((m) => `${fileName}:${m.line}: ${m.text}`).join('\n') };
}

/** Reads and parses a scenario file; an unreadable file is an error value too. */
export async function loadScenarioFile(path: string): Promise<ScenarioResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    return { ok: false, error: `${path}: cannot read scenario file (${code})` };
  }
  return parseScenario(text, path);
}

type Path = ReadonlyArray<string | number>;

interface Message {
  readonly line: number;
  readonly text: string;
}

function describeIssue(issue: z.core.$ZodIssue, doc: Document, lines: LineCounter): Message[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      line: keyLine(doc, lines, path, key) ?? nearestLine(doc, lines, path),
      text: `${formatPath([...path, key])}: unknown key`,
    }));
  }
  const where = path.length === 0 ? 'scenario' : formatPath(path);
  return [{ line: nearestLine(doc, lines, path), text: `${where}: ${issue.message}` }];
}

/** `orders[0].stop_at.ratio` */
export function formatPath(path: Path): string {
  return path.reduce<string>(
    (text, part) => (typeof part === 'number' ? `${text}[${part}]` : text === '' ? part : `${text}.${part}`),
    '',
  );
}

// A missing key has no node; the closest enclosing node that exists gives the line.
function nearestLine(doc: Document, lines: LineCounter, path: Path): number {
  for (let depth = path.length; depth >= 0; depth -= 1) {
    const node: unknown = doc.getIn(path.slice(0, depth), true);
    const offset = rangeStart(node);
    if (offset !== undefined) return lines.linePos(offset).line;
  }
  return 1;
}

function keyLine(doc: Document, lines: LineCounter, path: Path, key: string): number | undefined {
  const map: unknown = path.length === 0 ? doc.contents : doc.getIn(path, true);
  if (!isMap(map)) return undefined;
  const pair = map.items.find((item) => isScalar(item.key) && item.key.value === key);
  const offset = rangeStart(pair?.key);
  return offset === undefined ? undefined : lines.linePos(offset).line;
}

function rangeStart(node: unknown): number | undefined {
  if (typeof node !== 'object' || node === null || !('range' in node)) return undefined;
  const range = (node as { range?: unknown }).range;
  return Array.isArray(range) && typeof range[0] === 'number' ? range[0] : undefined;
}
