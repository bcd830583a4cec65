import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * Type-checks the committed dashboard against @grafana/schema's `Dashboard`. Importing the .json
 * would widen its literals ("table" to string) and fail on a correct dashboard, so the JSON is
 * written as an object literal into a .ts file, where excess-property checks also catch keys the
 * schema does not know. The foundation SDK's interval-only variable fields (auto, auto_min,
 * auto_count) are dropped by the generator, not here: this check sees the committed file as is.
 *
 * The schema declares fields like `type: MappingType` with TypeScript string enums, which no string
 * literal satisfies (JSON holds "value", not MappingType.ValueToText). `Json<T>` turns every string
 * enum into the union of its values (`${MappingType}`) and leaves the rest of the type alone, so
 * structure, required fields, unknown keys and enum values are all still checked.
 */
const require = createRequire(import.meta.url);
const TSC = require.resolve('typescript/bin/tsc');
const SCHEMA_TYPES = join(dirname(require.resolve('@grafana/schema/package.json')), 'dist/types/index.d.ts');

const workDir = mkdtempSync(join(tmpdir(), 'dms-dashboard-schema-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

function typeCheck(source: string): { status: number | null; output: string } {
  writeFileSync(join(workDir, 'dashboard.ts'), source);
  writeFileSync(
    join(workDir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        module: 'esnext',
        moduleResolution: 'bundler',
        target: 'es2022',
        // Without the DOM's types, which the target's default lib adds: half of tsc's time here, and
        // nothing a JSON literal or the schema uses.
        lib: ['es2022'],
        types: [],
        // Resolve the schema from this project's node_modules although the file lives in a temp dir.
        paths: { '@grafana/schema': [SCHEMA_TYPES] },
      },
      files: ['dashboard.ts'],
    }),
  );
  const run = spawnSync(process.execPath, [TSC, '-p', workDir], { encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('grafana/dms-data-tracking.json against @grafana/schema', () => {
  it('is a valid Dashboard (tsc --noEmit on the JSON as an object literal)', () => {
    const json = readFileSync('grafana/dms-data-tracking.json', 'utf8');
    const source =
      `import type { Dashboard as SchemaDashboard } from '@grafana/schema';\n` +
      `type Json<T> = T extends string ? \`\${T}\` : T extends (infer U)[] ? Json<U>[] : ` +
      `T extends object ? { [K in keyof T]: Json<T[K]> } : T;\n` +
      `type Dashboard = Json<SchemaDashboard>;\n` +
      `export const dashboard: Dashboard = ${json.trim()};\n` +
      // Proves the check is not vacuous: the same compile must reject an unknown panel key.
      `// @ts-expect-error -- 'colour' is not a Panel field\n` +
      `export const canary: Dashboard = { schemaVersion: 1, panels: [{ type: 'table', colour: 'red' }] };\n`;
    const result = typeCheck(source);
    expect(result.output).toBe('');
    expect(result.status).toBe(0);
  }, 60_000);
});
