import {
  OPENMETRICS_0_0_1_CONTENT_TYPE,
  OPENMETRICS_CONTENT_TYPE,
  TEXT_CONTENT_TYPE,
  type ExpositionFormat,
} from '../metrics/exposition.js';

// Our own negotiation, not Koa's: ctx.accepts() (negotiator) matches an Accept entry only when every one of
// its parameters appears on the offered type, so Prometheus 3's
// `application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.5` never matched and it got
// the text format. Here only `version` decides; other parameters (`escaping`, `charset`) are
// ignored: every name we write is a legacy name, the same bytes under any escaping scheme.
//
// Choice of format follows HTTP (RFC 9110 §12.5.1): each format we serve takes the q of the most
// specific Accept entry that covers it, the highest q wins, a tie goes to our order below (so
// `*/*` gets the text format), and q=0 means "not this". What expfmt (Prometheus' Go library)
// decides is kept where it speaks: an entry without `version` means text 0.0.4 or OpenMetrics
// 0.0.1, OpenMetrics 0.0.1 gets the OpenMetrics body under its own content type, and a header
// that accepts nothing we serve (`application/json`, garbage) gets the text format, not a 406.

export interface Exposition {
  readonly format: ExpositionFormat;
  /** The Content-Type to answer with: always one the request accepts, unless it accepts none. */
  readonly contentType: string;
}

interface Offer extends Exposition {
  readonly mediaType: string;
  readonly version: string;
}

/** What we serve, in our order of preference (ties go to the first). */
const OFFERS: readonly [Offer, ...Offer[]] = [
  { mediaType: 'text/plain', version: '0.0.4', format: 'text', contentType: TEXT_CONTENT_TYPE },
  {
    mediaType: 'application/openmetrics-text',
    version: '1.0.0',
    format: 'openmetrics',
    contentType: OPENMETRICS_CONTENT_TYPE,
  },
  {
    mediaType: 'application/openmetrics-text',
    version: '0.0.1',
    format: 'openmetrics',
    contentType: OPENMETRICS_0_0_1_CONTENT_TYPE,
  },
];
const FALLBACK = OFFERS[0];

/** The version an Accept entry means when it names the type alone, as expfmt reads it. */
const DEFAULT_VERSIONS: Readonly<Record<string, string>> = {
  'text/plain': '0.0.4',
  'application/openmetrics-text': '0.0.1',
};

interface MediaRange {
  readonly type: string;
  readonly subtype: string;
  readonly version: string | undefined;
  readonly q: number;
}

/** The exposition for a request's Accept header ('' when it has none). */
export function negotiateExposition(accept: string): Exposition {
  const ranges = parseAccept(accept);
  let best: Offer = FALLBACK;
  let bestQ = 0;
  for (const offer of OFFERS) {
    const q = qualityOf(offer, ranges);
    if (q > bestQ) [best, bestQ] = [offer, q];
  }
  return { format: best.format, contentType: best.contentType };
}

/** The q of the most specific entry covering the offer (the highest one among equals), or 0. */
function qualityOf(offer: Offer, ranges: readonly MediaRange[]): number {
  let specificity = -1;
  let q = 0;
  for (const range of ranges) {
    const s = specificityFor(range, offer);
    if (s > specificity) [specificity, q] = [s, range.q];
    else if (s === specificity && s >= 0) q = Math.max(q, range.q);
  }
  return q;
}

/** 3: type and version given; 2: type given, version implied; 1: `type/*`; 0: `*\/*`; -1: no match. */
function specificityFor(range: MediaRange, offer: Offer): number {
  const [type, subtype] = offer.mediaType.split('/');
  if (range.type === '*' && range.subtype === '*') return 0;
  if (range.type !== type) return -1;
  if (range.subtype === '*') return 1;
  if (range.subtype !== subtype) return -1;
  if (range.version !== undefined) return range.version === offer.version ? 3 : -1;
  return DEFAULT_VERSIONS[offer.mediaType] === offer.version ? 2 : -1;
}

function parseAccept(header: string): MediaRange[] {
  return splitOutsideQuotes(header, ',').flatMap((entry) => parseRange(entry) ?? []);
}

/** One Accept entry, or undefined when it is not `type/subtype` with a valid q. */
function parseRange(entry: string): MediaRange | undefined {
  const [mediaType = '', ...params] = splitOutsideQuotes(entry, ';');
  const name = mediaType.trim().toLowerCase();
  // A bare `*` is not valid HTTP but some clients send it meaning `*/*` (Go's goautoneg reads it so).
  const match = /^([^/\s]+)\/([^/\s]+)$/.exec(name === '*' ? '*/*' : name);
  if (match === null || match[1] === undefined || match[2] === undefined) return undefined;
  let q = 1;
  let version: string | undefined;
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq < 0) continue;
    const key = param.slice(0, eq).trim().toLowerCase();
    const value = unquote(param.slice(eq + 1).trim());
    if (key === 'q') q = Number(value === '' ? NaN : value);
    else if (key === 'version') version = value;
  }
  if (!(q >= 0 && q <= 1)) return undefined;
  return { type: match[1], subtype: match[2], version, q };
}

/** Splits on `separator` outside double-quoted strings (where a backslash escapes the next character). */
function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '\\') i++;
    else if (c === '"') quoted = !quoted;
    else if (!quoted && c === separator) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function unquote(value: string): string {
  if (value.length < 2 || !value.startsWith('"') || !value.endsWith('"')) return value;
  return value.slice(1, -1).replace(/\\(.)/g, '$1');
}
