import { CST, Lexer } from 'yaml';

// A first look at YAML text with the yaml library's Lexer alone, before the Parser builds its syntax
// tree and the Composer the Document. That tree costs a few hundred bytes per token (measured: about
// 120-240 bytes in the tree and 30-70 in the Document), all held until the document ends, so a file
// must be measured before it is parsed: the lexer's tokens are produced one at a time and dropped,
// and counting them costs no memory beyond the text.

export interface TextScan {
  /** Tokens of the text: keys, values, indicators, spaces, comments and line breaks. */
  readonly tokens: number;
  /** Where the token that went over `maxTokens` starts, if one did. */
  readonly overTokensAt: number | undefined;
  /** The list written under the top-level key `listKey`, if one is given and written as a list there. */
  readonly list: { readonly items: number; readonly offset: number } | undefined;
}

type ListState =
  | { readonly phase: 'seeking' }
  | { readonly phase: 'key'; readonly start: number }
  | { readonly phase: 'value' }
  | { readonly phase: 'block'; readonly column: number; items: number; readonly offset: number }
  | {
      readonly phase: 'flow';
      readonly depth: number;
      items: number;
      expectItem: boolean;
      readonly offset: number;
    }
  /** Not a list written under the key, or no such key. */
  | { readonly phase: 'done' }
  | { readonly phase: 'ended'; readonly items: number; readonly offset: number };

/** Lexemes that are only layout: they neither open a value nor end a list. */
const LAYOUT = new Set(['space', 'newline', 'comment', 'byte-order-mark']);

/**
 * Counts the tokens of `text`, and the items of the list under the top-level key `listKey` when the
 * document is a block mapping at column 0 that writes it as a block list (`- ` items) or a flow list
 * (`[...]`). A list that arrives some other way (an alias, say) is not counted here.
 */
export function scanYaml(text: string, maxTokens: number, listKey: string | undefined): TextScan {
  let offset = 0;
  let tokens = 0;
  let overTokensAt: number | undefined;
  let lineStart = 0;
  let lastContentStart = -1;
  let flowDepth = 0;
  let scalarNext = false;
  // A block scalar's text (after `|` or `>`) starts at its line's start, indentation included: it is
  // the header's value, not a token that could end the list.
  let blockScalarNext = false;
  let list: ListState = { phase: listKey === undefined ? 'done' : 'seeking' };

  const content = (lexeme: string, type: string | null): void => {
    const column = offset - lineStart;
    const firstOnLine = lineStart > lastContentStart;
    lastContentStart = offset;
    if (listKey !== undefined) {
      list = nextListState(list, { lexeme, type, column, firstOnLine, flowDepth, offset }, listKey);
    }
    if (type === 'flow-map-start' || type === 'flow-seq-start') flowDepth += 1;
    if ((type === 'flow-map-end' || type === 'flow-seq-end') && flowDepth > 0) flowDepth -= 1;
  };

  for (const lexeme of new Lexer().lex(text)) {
    if (lexeme === CST.DOCUMENT || lexeme === CST.FLOW_END) continue; // markers without width
    if (lexeme === CST.SCALAR) {
      scalarNext = true; // the scalar's text is the next lexeme
      continue;
    }
    tokens += 1;
    if (tokens === maxTokens + 1) overTokensAt = offset;
    const type = scalarNext ? 'scalar' : CST.tokenType(lexeme);
    if (scalarNext && blockScalarNext) lastContentStart = offset;
    else if (type === null || !LAYOUT.has(type)) content(lexeme, type);
    if (type === 'block-scalar-header') blockScalarNext = true;
    else if (scalarNext) blockScalarNext = false;
    scalarNext = false;
    offset += lexeme.length;
    const newline = type === 'byte-order-mark' ? lexeme.length - 1 : lexeme.lastIndexOf('\n');
    if (newline !== -1) lineStart = offset - lexeme.length + newline + 1;
  }
  const counted =
    list.phase === 'block' || list.phase === 'flow' || list.phase === 'ended' ? list : undefined;
  return {
    tokens,
    overTokensAt,
    list: counted && { items: counted.items, offset: counted.offset },
  };
}

interface Token {
  readonly lexeme: string;
  readonly type: string | null;
  readonly column: number;
  readonly firstOnLine: boolean;
  /** Flow collections open around this token (before it, if it opens or closes one). */
  readonly flowDepth: number;
  readonly offset: number;
}

/** One content token further along the list under `listKey`. */
function nextListState(state: ListState, token: Token, listKey: string): ListState {
  const { lexeme, type, column, firstOnLine, flowDepth, offset } = token;
  switch (state.phase) {
    case 'seeking': {
      const isKey =
        flowDepth === 0 &&
        column === 0 &&
        firstOnLine &&
        (lexeme === listKey || lexeme === `"${listKey}"` || lexeme === `'${listKey}'`);
      return isKey ? { phase: 'key', start: offset } : state;
    }
    case 'key':
      return type === 'map-value-ind' ? { phase: 'value' } : { phase: 'seeking' };
    case 'value':
      if (type === 'anchor' || type === 'tag') return state;
      if (type === 'flow-seq-start') {
        return { phase: 'flow', depth: flowDepth + 1, items: 0, expectItem: true, offset };
      }
      if (type === 'seq-item-ind' && firstOnLine) return { phase: 'block', column, items: 1, offset };
      return { phase: 'done' };
    case 'block':
      if (flowDepth > 0 || !firstOnLine || column > state.column) return state;
      if (column < state.column || type !== 'seq-item-ind') return ended(state);
      state.items += 1;
      return state;
    case 'flow':
      if (flowDepth !== state.depth) return state;
      if (type === 'flow-seq-end') return ended(state);
      if (type === 'comma') state.expectItem = true;
      else if (state.expectItem) {
        state.items += 1;
        state.expectItem = false;
      }
      return state;
    case 'done':
    case 'ended':
      return state;
  }
}

function ended(list: { readonly items: number; readonly offset: number }): ListState {
  return { phase: 'ended', items: list.items, offset: list.offset };
}
