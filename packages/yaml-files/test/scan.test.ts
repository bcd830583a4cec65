import { isSeq, Lexer, parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseYamlSource, type ParseBudget } from '../src/index.js';
import { scanYaml } from '../src/scan.js';

// The scan counts a list before the text is parsed; the count must be the one the parsed document
// has, whatever the layout, or a valid file could be refused (or an oversized one let through).

const LISTS: ReadonlyArray<readonly [string, string]> = [
  ['block items', 'orders:\n  - id: 1\n  - id: 2\n  - { id: 3 }\n'],
  ['items at the key’s column', 'orders:\n- id: 1\n-  id: 2\nscrape: {}\n'],
  ['items over several lines', 'orders:\n  - id: 1\n    name: a\n\n  # between\n  - id: 2\n    tid: 3\n'],
  ['nested lists and flow', 'orders:\n  - [1, 2]\n  -\n    - 3\n  - - 4\n    - 5\n  - {a: [1,\n  2]}\n'],
  ['block scalars with dashes', 'orders:\n  - |\n    - not an item\n  - >-\n\n    - nor this\n  - 2\n'],
  ['multi-line quoted and plain scalars', 'orders:\n  - "a\n  - b"\n  - c\n    - d\n  - e\n'],
  ['comments at any column', 'orders:\n# top\n  - 1\n      # deep\n  - 2 # after\n#end\nx: 1\n'],
  ['anchors and tags', '"orders": &o !!seq\n  - &a 1\n  - !!str 2\nother: *o\n'],
  ['a flow list', 'orders: [ {id: 1}, 2,\n  [3, 4], "5,6", ]\nx: [7]\n'],
  ['an empty flow list', 'orders: []\n'],
  ['after other keys and a document start', '%YAML 1.2\n---\nprofiles:\n  a: {}\norders:\n  - 1\n...\n'],
  ['a byte order mark', '\ufefforders:\n  - 1\n  - 2\n'],
];

describe('scanYaml', () => {
  it.each(LISTS)('counts the items of the list under the key as the parser does: %s', (_name, text) => {
    const contents = parseDocument(text).get('orders');
    expect(isSeq(contents)).toBe(true);
    expect(scanYaml(text, 1_000, 'orders').list?.items).toBe(isSeq(contents) ? contents.items.length : -1);
  });

  it('counts nothing for a list it cannot see written there', () => {
    for (const text of [
      'x: &l [1]\norders: *l\n',
      'orders: none\n',
      'orders:\n',
      '  orders:\n    - 1\n',
      'a:\n  orders:\n    - 1\n',
    ]) {
      expect(scanYaml(text, 1_000, 'orders').list).toBeUndefined();
    }
  });

  it('counts every token the lexer gives, a scalar once', () => {
    const text = 'orders: # c\n  - { id: 1 }\n';
    const lexemes = [...new Lexer().lex(text)].filter((l) => !['\u0002', '\u001f', '\u0018'].includes(l));
    expect(scanYaml(text, 1_000, undefined)).toEqual({
      tokens: lexemes.length,
      overTokensAt: undefined,
      list: undefined,
    });
    expect(scanYaml(text, 3, undefined).overTokensAt).toBe(text.indexOf('# c'));
  });
});

describe('parseYamlSource with a budget', () => {
  const budget: ParseBudget = {
    maxTokens: 40,
    tooManyTokens: 'more than 40 tokens',
    list: { key: 'orders', maxItems: 2, tooMany: (items) => `has ${items} orders, more than 2` },
  };

  it('refuses a list over its limit at the list’s first line, counting it all', () => {
    const text = 'scrape: {}\norders:\n  - 1\n  - 2\n  - 3\n';
    expect(parseYamlSource(text, 'c.yaml', budget)).toEqual({
      ok: false,
      error: ['c.yaml:3: orders: has 3 orders, more than 2'],
    });
  });

  it('refuses more tokens than allowed at the line where the limit is passed', () => {
    const text = `orders: []\nx: [${Array(20).fill('1').join(', ')}]\n`;
    expect(parseYamlSource(text, 'c.yaml', budget)).toEqual({
      ok: false,
      error: ['c.yaml:2: more than 40 tokens'],
    });
  });

  it('parses what is within the budget', () => {
    const parsed = parseYamlSource('orders:\n  - 1\n  - 2\n', 'c.yaml', budget);
    expect(parsed.ok && parsed.value.doc.toJS()).toEqual({ orders: [1, 2] });
  });
});
