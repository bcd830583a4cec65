// Every relative link in the README, CONFIGURATION.md, docs/ and the packages' READMEs leads somewhere: the file exists
// inside the repository and, for `#anchor` links, the target page has that heading. The README is the
// front door: it links to every page under docs/.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { anchors, linkTargets } from '../support/markdown.js';

const DOCS = readdirSync('docs')
  .filter((name) => name.endsWith('.md'))
  .map((name) => `docs/${name}`)
  .sort();
/** The workspace packages' READMEs (packages/NAME/README.md) are pages of the repository too. */
const PACKAGE_PAGES = readdirSync('packages')
  .map((name) => `packages/${name}/README.md`)
  .filter((page) => existsSync(page))
  .sort();
const PAGES = ['README.md', 'CONFIGURATION.md', ...DOCS, ...PACKAGE_PAGES];

/** What is wrong with `target` as written in `page`, or undefined when it leads somewhere. */
function brokenLink(page: string, target: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined; // https:, mailto: ...
  const [pathPart = '', anchor] = target.split('#', 2);
  const file = pathPart === '' ? page : posix.normalize(posix.join(posix.dirname(page), decodeURI(pathPart)));
  if (file.startsWith('../') || posix.isAbsolute(file)) return 'leads outside the repository';
  if (!existsSync(file)) return `${file} does not exist`;
  if (anchor === undefined) return undefined;
  if (!file.endsWith('.md')) return `${file} is not a Markdown page, so it has no #${anchor}`;
  return anchors(readFileSync(file, 'utf8')).has(anchor) ? undefined : `${file} has no heading #${anchor}`;
}

describe("links in the README, CONFIGURATION.md, docs/ and the packages' READMEs", () => {
  it.each(PAGES)('%s: every relative link resolves', (page) => {
    const broken = linkTargets(readFileSync(page, 'utf8')).flatMap((target) => {
      const problem = brokenLink(page, target);
      return problem === undefined ? [] : [`${page}: (${target}): ${problem}`];
    });
    expect(broken).toEqual([]);
  });

  it('README.md links to every page under docs/', () => {
    const linked = new Set(
      linkTargets(readFileSync('README.md', 'utf8')).map((target) => target.split('#', 1)[0]),
    );
    expect(DOCS.filter((page) => !linked.has(page))).toEqual([]);
  });

  it('reads links and anchors as GitHub does', () => {
    const page = [
      '# Title',
      '## Web configuration (TLS, basic auth, headers)',
      '### `rate_limit`',
      '## Notes',
      '## Notes',
      '```sh',
      '# not a heading',
      'see [code](nowhere.md)',
      '```',
      'A [link](docs/x.md#a-b), an ![image](docs/images/y.png "title"), `[in code](z.md)`, <https://example.com>.',
      '[ref]: ../CONFIGURATION.md',
    ].join('\n');
    expect([...anchors(page)]).toEqual([
      'title',
      'web-configuration-tls-basic-auth-headers',
      'rate_limit',
      'notes',
      'notes-1',
    ]);
    expect(linkTargets(page)).toEqual(['docs/x.md#a-b', 'docs/images/y.png', '../CONFIGURATION.md']);
    expect(brokenLink('docs/a.md', '../README.md#quick-start')).toBeUndefined();
    expect(brokenLink('docs/a.md', '../../shared/STYLE.md')).toBe('leads outside the repository');
    expect(brokenLink('README.md', 'docs/nope.md')).toBe('docs/nope.md does not exist');
    expect(brokenLink('README.md', '#no-such-heading')).toBe('README.md has no heading #no-such-heading');
  });
});
