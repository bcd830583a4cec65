/**
 * Writes deploy/kubernetes/ (kustomize base, access-key component, production overlay) from the
 * TypeScript in deploy/src/. Run `npm run manifests` after changing deploy/src/, prometheus/alerts.yml,
 * prometheus/prometheus.yml, the dashboard or the package version; test/deploy fails when the
 * committed files differ from what this produces. Files it no longer produces are removed.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KUBERNETES_DIR, renderManifests } from './src/render.js';

const root = fileURLToPath(new URL('../', import.meta.url));

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)));
}

const files = await renderManifests();
mkdirSync(join(root, KUBERNETES_DIR), { recursive: true });
for (const stale of listFiles(join(root, KUBERNETES_DIR)).filter((path) => !files.has(path))) {
  rmSync(join(root, stale));
  process.stdout.write(`removed ${stale}\n`);
}
for (const [path, text] of files) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}
process.stdout.write(`wrote ${files.size} files under ${KUBERNETES_DIR}/\n`);
