// Reading the README and docs in tests: a section by its heading, the anchors GitHub gives headings,
// the links a page makes.

/** The text under `heading` (e.g. `## Operations`) up to the next heading of the same or a higher level. */
export function section(text: string, heading: string): string {
  const start = text.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`no heading ${heading}`);
  const level = heading.split(' ')[0] ?? '##';
  const rest = text.slice(start + heading.length + 2);
  const next = rest.search(new RegExp(`\\n#{1,${level.length}} `));
  return next < 0 ? rest : rest.slice(0, next);
}

/** The text with fenced code blocks blanked out (line count kept), so a `# comment` there is no heading. */
function outsideFences(text: string): string {
  let fenced = false;
  return text
    .split('\n')
    .map((line) => {
      if (/^\s*(```|~~~)/.test(line)) {
        fenced = !fenced;
        return '';
      }
      return fenced ? '' : line;
    })
    .join('\n');
}

/**
 * GitHub's anchor for each heading: lower case, punctuation dropped (letters, digits, `_`, `-` and
 * spaces stay), spaces to dashes; a repeated anchor gets `-1`, `-2`, ... as GitHub numbers them.
 */
export function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const [, heading = ''] of outsideFences(text).matchAll(/^#{1,6} (.+)$/gm)) {
    const base = heading
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    result.add(count === 0 ? base : `${base}-${count}`);
  }
  return result;
}

/** Every link and image target of a page, outside code: `[text](target)`, `![alt](target)`, `[ref]: target`. */
export function linkTargets(text: string): string[] {
  const prose = outsideFences(text).replace(/`[^`\n]*`/g, '');
  const inline = [...prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)];
  const references = [...prose.matchAll(/^ {0,3}\[[^\]]+\]:\s*<?([^\s>]+)>?/gm)];
  return [...inline, ...references].map((m) => m[1] ?? '');
}

/** Seconds in a whole-unit duration as the docs write them (`90s`, `5m`, `1h`). */
export function seconds(duration: string): number {
  const match = /^(\d+)([smh])$/.exec(duration);
  if (!match) throw new Error(`unsupported duration ${duration}`);
  return Number(match[1]) * { s: 1, m: 60, h: 3600 }[match[2] as 's' | 'm' | 'h'];
}
