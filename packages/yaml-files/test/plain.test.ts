import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { z } from 'zod';
import { decimal, integer, mapping } from '../src/fields.js';
import { toPlainValue } from '../src/plain.js';
import { excludeUnder, formatProblems, problemsFromZod } from '../src/problems.js';
import { parseYamlSource } from '../src/source.js';

/** `value: WRITTEN` through the toolkit: the plain value, or every message. */
function plainOf(written: string): { value?: unknown; messages: string[] } {
  const parsed = parseYamlSource(`value: ${written}\n`, 'f.yaml');
  if (!parsed.ok) return { messages: parsed.error };
  const plain = toPlainValue(parsed.value, { maxValues: 100 });
  const messages = formatProblems(parsed.value, plain.problems);
  return { value: (plain.value as { value?: unknown }).value, messages };
}

/** Messages of a one-field schema over `value: WRITTEN`, as the files' loaders report them. */
function messagesOf(field: z.ZodType, written: string): string[] {
  const parsed = parseYamlSource(`value: ${written}\n`, 'f.yaml');
  if (!parsed.ok) return parsed.error;
  const plain = toPlainValue(parsed.value, { maxValues: 100 });
  const checked = mapping({ value: field }).safeParse(plain.value);
  const found = checked.success ? [] : problemsFromZod(checked.error.issues);
  return formatProblems(parsed.value, [...plain.problems, ...excludeUnder(found, plain.reported)]);
}

describe('numbers', () => {
  // What the YAML 1.2 core schema (the yaml library's default) resolves each spelling to, and what
  // toPlainValue hands a schema: only decimal digits make a bigint, the one thing integer() takes.
  it.each([
    ['42', 42, 42n],
    ['-7', -7, -7n],
    ['00042', 42, 42n],
    ['9007199254740993', 9007199254740992, 9007199254740993n],
    ['+5', 5, 5],
    ['0x10', 16, 16],
    ['0o10', 8, 8],
    ['1.0', 1, 1],
    ['1e3', 1000, 1000],
    ['.inf', Infinity, Infinity],
    ['"5"', '5', '5'],
    ["'5'", '5', '5'],
    ['!!int "5"', 5, 5],
    ['!!str 5', '5', '5'],
    ['!!int 5', 5, 5n],
  ])('%s: the core schema reads %o, toPlainValue hands over %o', (written, core, plain) => {
    expect((parse(`value: ${written}`) as { value: unknown }).value).toBe(core);
    expect(plainOf(written)).toEqual({ value: plain, messages: [] });
  });

  it.each([
    ['42', []],
    [
      '1.0',
      [
        'f.yaml:1: value: must be an integer from 1 to 100, written in decimal digits without quotes, got 1.0',
      ],
    ],
    [
      '1e3',
      [
        'f.yaml:1: value: must be an integer from 1 to 100, written in decimal digits without quotes, got 1e3',
      ],
    ],
    [
      '0x10',
      [
        'f.yaml:1: value: must be an integer from 1 to 100, written in decimal digits without quotes, got 0x10',
      ],
    ],
    [
      '+5',
      ['f.yaml:1: value: must be an integer from 1 to 100, written in decimal digits without quotes, got +5'],
    ],
    [
      '"5"',
      [
        'f.yaml:1: value: must be an integer from 1 to 100, written in decimal digits without quotes, got "5"',
      ],
    ],
    ['101', ['f.yaml:1: value: must be an integer from 1 to 100, got 101']],
    [
      '-99999999999999999999',
      ['f.yaml:1: value: must be an integer from 1 to 100, got -99999999999999999999'],
    ],
  ])('integer(1, 100) reads %s: %j', (written, messages) => {
    expect(messagesOf(integer(1, 100), written)).toEqual(messages);
  });

  it.each([
    ['0.5', []],
    ['2', []],
    ['1e-3', []],
    ['0', ['f.yaml:1: value: must be a number more than 0 and at most 10, got 0']],
    ['11', ['f.yaml:1: value: must be a number more than 0 and at most 10, got 11']],
    ['"1"', ['f.yaml:1: value: must be a number more than 0 and at most 10, got "1"']],
  ])('decimal(0, 10, above) reads %s: %j', (written, messages) => {
    expect(messagesOf(decimal(0, 10, { above: true }), written)).toEqual(messages);
  });
});

describe('tags', () => {
  it.each([
    ['!!binary aGVsbG8=', '!!binary'],
    ['!!set { a, b }', '!!set'],
    ['!!omap [a: 1]', '!!omap'],
    ['!!pairs [a: 1]', '!!pairs'],
    ['!!timestamp 2001-12-14', '!!timestamp'],
    ['!foo bar', '!foo'],
    ['!foo { a: 1 }', '!foo'],
  ])('refuses %s with one message naming the tag', (written, tag) => {
    expect(plainOf(written).messages).toEqual([`f.yaml:1: value: unsupported YAML tag ${tag}`]);
    expect(messagesOf(integer(1), written)).toEqual([`f.yaml:1: value: unsupported YAML tag ${tag}`]);
  });

  it('keeps a core tag that does not fit its value a parse error, with the short tag name', () => {
    expect(plainOf('!!float abc').messages).toEqual(['f.yaml:1:8: Unresolved tag: !!float']);
  });
});

describe('keys', () => {
  it.each(['__proto__', 'constructor', 'prototype'])('refuses %s as a key, and leaves it out', (name) => {
    const parsed = parseYamlSource(`top:\n  ${name}: { a: 1 }\n  other: 2\n`, 'f.yaml');
    if (!parsed.ok) throw new Error(parsed.error.join('\n'));
    const plain = toPlainValue(parsed.value, { maxValues: 100 });
    expect(formatProblems(parsed.value, plain.problems)).toEqual([
      `f.yaml:2: top: reserved name "${name}" (__proto__, constructor and prototype cannot be keys)`,
    ]);
    const top = (plain.value as { top: object }).top;
    expect(Object.getPrototypeOf(top)).toBeNull();
    expect(Object.keys(top)).toEqual(['other']);
  });
});
