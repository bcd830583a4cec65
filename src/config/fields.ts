import { isScalar } from 'yaml';
import type { Node } from 'yaml';
import { report } from './context.js';
import { parseDuration } from '../util/duration.js';
import { expandEnv } from './env.js';
import { anchorOf, fieldPath, kindOf, shown, valueOf } from './nodes.js';
import type { Section } from './nodes.js';

// Readers for one key of a section. Each returns undefined when the key is absent (the caller applies
// the default) or invalid (after reporting it; the config is then rejected, so the value is moot).

export interface StringOptions {
  /** Never show the value in a message, only its kind. */
  readonly secret?: boolean;
}

/** Any scalar is read as its text, with `${VAR}` expanded. Empty strings are rejected. */
export function readString(section: Section, key: string, options: StringOptions = {}): string | undefined {
  const node = valueOf(section, key);
  if (node === undefined) return undefined;
  const path = fieldPath(section, key);
  if (!isScalar(node)) {
    const got = options.secret === true ? kindOf(node) : shown(section.ctx, node);
    report(section.ctx, path, node, `must be a string, got ${got}`);
    return undefined;
  }
  const raw = typeof node.value === 'string' ? node.value : (node.source ?? String(node.value));
  const expanded = expandEnv(raw, section.ctx.env);
  if (!expanded.ok) {
    for (const reason of expanded.reasons) report(section.ctx, path, node, reason);
    return undefined;
  }
  if (expanded.value === '') {
    report(section.ctx, path, node, 'must not be empty');
    return undefined;
  }
  return expanded.value;
}

/** A YAML integer in [min, max]; quoted numbers are strings and rejected, as YAML means them. */
export function readInteger(section: Section, key: string, min: number, max: number): number | undefined {
  const node = valueOf(section, key);
  if (node === undefined) return undefined;
  if (isSafeIntegerIn(node, min, max)) return node.value;
  const expected =
    max === Number.MAX_SAFE_INTEGER && min === 1 ? 'a positive integer' : `an integer from ${min} to ${max}`;
  report(section.ctx, fieldPath(section, key), node, `must be ${expected}, got ${shown(section.ctx, node)}`);
  return undefined;
}

function isSafeIntegerIn(node: Node, min: number, max: number): node is Node & { value: number } {
  if (!isScalar(node) || typeof node.value !== 'number') return false;
  return Number.isSafeInteger(node.value) && node.value >= min && node.value <= max;
}

export function readPositiveInteger(section: Section, key: string): number | undefined {
  return readInteger(section, key, 1, Number.MAX_SAFE_INTEGER);
}

/** A duration such as `10s`; see duration.ts. */
export function readDuration(section: Section, key: string): number | undefined {
  const text = readString(section, key);
  if (text === undefined) return undefined;
  const ms = parseDuration(text);
  if (ms === undefined) {
    const reason = `invalid duration "${text}" (use e.g. 500ms, 10s, 1m30s)`;
    report(section.ctx, fieldPath(section, key), valueOf(section, key), reason);
  }
  return ms;
}

/** One of a fixed set of words, compared exactly. */
export function readChoice<T extends string>(
  section: Section,
  key: string,
  choices: readonly T[],
): T | undefined {
  const text = readString(section, key);
  if (text === undefined) return undefined;
  const choice = choices.find((c) => c === text);
  if (choice === undefined) {
    const reason = `must be one of ${choices.join(', ')}, got "${text}"`;
    report(section.ctx, fieldPath(section, key), valueOf(section, key), reason);
  }
  return choice;
}

/** Reports a required key that is absent, at the key if it was written empty, else at its mapping. */
export function reportMissing(section: Section, key: string): void {
  report(section.ctx, fieldPath(section, key), anchorOf(section, key), 'is required');
}
