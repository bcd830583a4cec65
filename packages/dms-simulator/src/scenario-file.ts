import {
  err,
  excludeUnder,
  formatProblems,
  ok,
  parseYamlSource,
  problemsFromZod,
  readBoundedText,
  toPlainValue,
  type Result,
} from 'yaml-files';
import type { Scenario } from './scenario.js';
import { scenarioSchema } from './scenario-schema.js';

// Scenario YAML -> Scenario, read like the exporter's config file (the yaml-files package), with the
// same messages (`FILE:LINE: key: reason`).

const MAX_SCENARIO_BYTES = 16 * 1024 * 1024;
// Values allowed in one file, aliases counted each time they are used: the exporter's config has the
// same budget, so an alias bomb costs both programs the same bounded work.
const MAX_VALUES = 1_000_000;

/** Parses and validates scenario YAML; every problem found is one message, in file order. */
export function parseScenario(text: string, fileName: string): Result<Scenario, readonly string[]> {
  const parsed = parseYamlSource(text, fileName);
  if (!parsed.ok) return parsed;
  const plain = toPlainValue(parsed.value, { maxValues: MAX_VALUES });
  // A document that could not be read whole has nothing the schema could usefully judge.
  if (!plain.complete) return err(formatProblems(parsed.value, plain.problems));
  const checked = scenarioSchema.safeParse(plain.value);
  const found = checked.success ? [] : problemsFromZod(checked.error.issues);
  const problems = [...plain.problems, ...excludeUnder(found, plain.reported)];
  if (checked.success && problems.length === 0) return ok(checked.data);
  return err(formatProblems(parsed.value, problems));
}

/** Reads and parses a scenario file; an unreadable file is an error value too. */
export async function loadScenarioFile(path: string): Promise<Result<Scenario, readonly string[]>> {
  const text = await readBoundedText(path, MAX_SCENARIO_BYTES, 'scenario file');
  return text.ok ? parseScenario(text.value, path) : err([text.error]);
}

/**
 * A scenario written in code (the demo's, a test's): the same checks as a file, and an exception
 * with every message when the text is wrong, since that is a mistake in the program itself.
 */
export function scenarioFromYaml(text: string, fileName = 'scenario.yaml'): Scenario {
  const parsed = parseScenario(text, fileName);
  if (!parsed.ok) throw new Error(parsed.error.join('\n'));
  return parsed.value;
}
