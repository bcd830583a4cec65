/**
 * One Node.js release line for the image, named once in .node-version: scripts/lts-node.sh reads it
 * (CI's second test run and the stand-in base of `npm run image:check` both take their Node from
 * there), deploy/image-check.sh reads it for the base image's name and requires it inside the image,
 * and the Dockerfile, which cannot read a file, has it as its default NODE_LINE, compared here.
 * `engines` must claim that line and the Node running the suite, and ask no less than the
 * production dependencies do.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import semver from 'semver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const line = readFileSync('.node-version', 'utf8').trim();
const engines = (JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } }).engines
  .node;
const dockerfile = readFileSync('Dockerfile', 'utf8');

/** Production dependencies (direct and indirect) with the Node versions they declare. */
function productionEngines(): [string, string][] {
  const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as {
    packages: Record<string, { dev?: boolean; engines?: { node?: string } }>;
  };
  return Object.entries(lock.packages).flatMap(([path, entry]): [string, string][] =>
    path !== '' && entry.dev !== true && entry.engines?.node ? [[path, entry.engines.node]] : [],
  );
}

describe('the Node.js line (.node-version)', () => {
  it('is one major release line', () => {
    expect(line).toMatch(/^[1-9]\d*$/);
  });

  it("is the Dockerfile's NODE_LINE, which both stages are built on", () => {
    const firstFrom = dockerfile.search(/^FROM /m);
    expect(dockerfile.slice(0, firstFrom)).toMatch(new RegExp(`^ARG NODE_LINE=${line}$`, 'm'));
    const froms = dockerfile.match(/^FROM .*$/gm) ?? [];
    expect(froms).toEqual([
      'FROM node:${NODE_LINE}-bookworm-slim AS build',
      'FROM node:${NODE_LINE}-bookworm-slim',
    ]);
  });

  it('is written nowhere else as a number: the scripts read the file', () => {
    const files = ['.ci/run', 'deploy/image-check.sh', 'scripts/lts-node.sh', 'Dockerfile'];
    const pinned = /node[@:]\d+|NODE_LINE=\d+|node-v?\d+\./g;
    const found = files.flatMap((file) =>
      (readFileSync(file, 'utf8').match(pinned) ?? []).map((hit) => `${file}: ${hit}`),
    );
    expect(found).toEqual([`Dockerfile: NODE_LINE=${line}`]);
    expect(readFileSync('deploy/image-check.sh', 'utf8')).toContain(
      'BASE=docker.io/library/node:$NODE_LINE-bookworm-slim',
    );
    expect(readFileSync('.ci/run', 'utf8')).toContain('lts_bin=$(bash scripts/lts-node.sh)');
  });

  it('is the line the docs name for the image', () => {
    for (const file of ['docs/deploy.md', 'README.md']) {
      const named = new Set(readFileSync(file, 'utf8').match(/node:\d+-bookworm-slim/g));
      expect([...named], file).toEqual([`node:${line}-bookworm-slim`]);
    }
  });
});

describe('engines.node', () => {
  it("includes the image's line and the Node running this suite", () => {
    expect(semver.satisfies(`${line}.0.0`, engines)).toBe(true);
    expect(semver.satisfies(process.version, engines), `${process.version} and ${engines}`).toBe(true);
  });

  it('asks for no less than any production dependency', () => {
    const wider = productionEngines().filter(([, theirs]) => !semver.subset(engines, theirs));
    expect(wider.map(([path, theirs]) => `${path} needs ${theirs}`)).toEqual([]);
  });
});

describe('scripts/lts-node.sh', () => {
  // A copy of the script in a folder of its own, with its own .node-version and a cache holding
  // stand-ins for installed releases, run where the npm registry cannot be reached.
  let root = '';
  let cache = '';
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'lts-node-'));
    mkdirSync(join(root, 'scripts'));
    cpSync('scripts/lts-node.sh', join(root, 'scripts/lts-node.sh'));
    cache = join(root, 'cache');
    for (const version of ['25.2.0', '25.10.1', '26.1.0']) {
      const bin = join(cache, `node-${version}/node_modules/node/bin`);
      mkdirSync(bin, { recursive: true });
      writeFileSync(join(bin, 'node'), `#!/bin/sh\necho v${version}\n`);
      chmodSync(join(bin, 'node'), 0o755);
    }
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const run = (nodeVersionFile: string) => {
    writeFileSync(join(root, '.node-version'), nodeVersionFile);
    const result = spawnSync('bash', [join(root, 'scripts/lts-node.sh')], {
      encoding: 'utf8',
      env: {
        ...process.env,
        NODE_LTS_CACHE: cache,
        npm_config_registry: 'http://127.0.0.1:9/',
        npm_config_fetch_retries: '0',
      },
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  };

  it("prints the newest cached release of .node-version's line when the registry cannot be asked", () => {
    expect(run('25\n')).toEqual({
      status: 0,
      stdout: `${cache}/node-25.10.1/node_modules/node/bin\n`,
      stderr: 'lts-node: npm registry not reachable; using the cached v25.10.1\n',
    });
  });

  it('fails with the reason when nothing of the line is cached', () => {
    expect(run('24')).toEqual({
      status: 1,
      stdout: '',
      stderr: `lts-node: cannot ask the npm registry for node@24 and none is cached in ${cache}\n`,
    });
  });

  it('rejects a .node-version that is not a major line', () => {
    expect(run('v26.1')).toMatchObject({
      status: 1,
      stderr: "lts-node: .node-version must hold a major version such as 26, not 'v26.1'\n",
    });
  });
});
