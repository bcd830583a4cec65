import { toPlainValue } from '../yaml/plain.js';
import { formatProblems, problemsFromZod } from '../yaml/problems.js';
import { parseYamlSource, readBoundedText } from '../yaml/source.js';
import { err, ok, type Result } from '../util/result.js';
import type { Scenario } from './scenario.js';
import { scenarioSchema } from './scenario-schema.js';

// Scenario YAML -> Scenario, with the exporter config's reader and messages (`FILE:LINE: key: reason`).

const MAX_SCENARIO_BYTES = 16 * 1024 * 1024;

/** Parses and validates scenario YAML; every problem found is one message, in file order. */
export function parseScenario(text: string, fileName: string): Result<Scenario, readonly string[]> {
  const parsed = parseYamlSource(text, fileName);
  if (!parsed.ok) return parsed;
  const plain = toPlainValue(parsed.value, { maxValues: 5_000_000 });
  // A document that could not be read whole has nothing the schema could usefully judge.
  if (!plain.complete) return err(formatProblems(parsed.value, plain.problems));
  const checked = scenarioSchema.safeParse(plain.value);
  const problems = [...plain.problems, ...(checked.success ? [] : problemsFromZod(checked.error.issues))];
  if (checked.success && problems.length === 0) return ok(checked.data);
  return err(formatProblems(parsed.value, problems));
}

/** Reads and parses a scenario file; an unreadable file is an error value too. */
export async function loadScenarioFile(path: string): Promise<Result<Scenario, readonly string[]>> {
  const text = await readBoundedText(path, MAX_SCENARIO_BYTES, 'scenario file');
  return text.ok ? parseScenario(text.value, path) : err([text.error]);
}
