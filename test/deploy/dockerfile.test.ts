/**
 * What can be checked about the image without building it: the Dockerfile's OCI labels, user, port
 * and health check. `npm run image:check` builds and runs it with buildah and podman; `.ci/run` runs
 * that after the test suite (docs/deploy.md). The base image's Node line: node-line.test.ts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { METRICS_PORT } from '../../deploy/src/constants.js';

const dockerfile = readFileSync('Dockerfile', 'utf8');
const packageJson = JSON.parse(readFileSync('package.json', 'utf8')) as {
  version: string;
  license: string;
  scripts: Record<string, string>;
  workspaces: string[];
};
/** The final stage: what the image runs. */
const runStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
/** Instructions with their continuation lines joined. */
const instructions = runStage.replace(/\\\n\s*/g, ' ').split('\n');

function labels(): Record<string, string> {
  const line = instructions.find((l) => l.startsWith('LABEL ')) ?? '';
  const pairs = [...line.matchAll(/([\w.]+)="([^"]*)"/g)].map((m): [string, string] => [
    m[1] ?? '',
    m[2] ?? '',
  ]);
  return Object.fromEntries(pairs);
}

describe('Dockerfile', () => {
  it('labels the image with the OCI source, version, revision and licenses', () => {
    expect(labels()).toMatchObject({
      'org.opencontainers.image.source': '${SOURCE}',
      'org.opencontainers.image.version': '${VERSION}',
      'org.opencontainers.image.revision': '${REVISION}',
      'org.opencontainers.image.licenses': packageJson.license,
    });
  });

  it("defaults VERSION to package.json's version", () => {
    expect(instructions).toContain(`ARG VERSION=${packageJson.version}`);
  });

  it('runs as node, exposes the default port and health-checks /-/healthy', () => {
    expect(instructions).toContain('USER node');
    expect(instructions).toContain(`EXPOSE ${METRICS_PORT}`);
    expect(instructions.find((l) => l.startsWith('HEALTHCHECK '))).toContain(
      `http://127.0.0.1:${METRICS_PORT}/-/healthy`,
    );
  });

  it.each(packageJson.workspaces)(
    'gives npm ci the package.json of the workspace package %s, which it links',
    (folder) => {
      const npmCi = instructions.findIndex((l) => l.startsWith('RUN npm ci --omit=dev'));
      expect(npmCi).toBeGreaterThan(-1);
      expect(instructions.slice(0, npmCi)).toContain(`COPY ${folder}/package.json ./${folder}/`);
    },
  );

  it('runs the bundle the build stage makes (scripts/bundle.ts), which holds the workspace packages', () => {
    expect(packageJson.scripts.build).toContain('tsx scripts/bundle.ts');
    expect(dockerfile).toContain('COPY scripts/bundle.ts ./scripts/');
    expect(instructions).toContain('COPY --from=build /app/dist ./dist');
    expect(instructions.filter((l) => l.startsWith('COPY --from=build'))).toEqual([
      'COPY --from=build /app/dist ./dist',
    ]);
  });

  it('is built and run by `npm run image:check`, which CI runs', () => {
    expect(packageJson.scripts['image:check']).toBe('bash deploy/image-check.sh');
    expect(readFileSync('.ci/run', 'utf8')).toContain('npm run image:check');
  });
});
