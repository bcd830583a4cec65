// How tests run the bench and soak tools (bench/, soak/): through tsx, as `npm run bench` and
// `npm run soak` do, or, when vitest's global setup has compiled them (compile-tools.ts), as plain
// JavaScript. tsx costs about half a second of CPU in every process it starts, and the bench starts
// a process per variant and case; the compiled tools start their own children compiled as well.

/** Set by the global setup to the folder that holds the compiled twins of src/, bench/, soak/ and test/support/. */
export const COMPILED_TOOLS_ENV = 'DMS_EXPORTER_COMPILED_TOOLS';

/**
 * The `node` arguments that run the TypeScript program `entry` (a path from the repository root,
 * e.g. `soak/soak.ts`) after `nodeFlags`: its compiled twin when there is one, else through tsx.
 */
export function toolArgv(entry: string, nodeFlags: readonly string[] = []): string[] {
  const compiled = process.env[COMPILED_TOOLS_ENV];
  if (compiled === undefined || compiled === '') return [...nodeFlags, '--import', 'tsx', entry];
  return [...nodeFlags, `${compiled}/${entry.replace(/\.ts$/, '.js')}`];
}
