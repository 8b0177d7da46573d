/**
 * The package's entry in Node: the whole library API (sim/index.ts) plus file loading.
 * @packageDocumentation
 */
import { readFileSync } from 'node:fs';
import { parseScenario, type Scenario } from './scenario/index.ts';

export * from './index.ts';

/**
 * Reads and validates a scenario file.
 * @throws ScenarioError for invalid content; the fs error if the file cannot be read.
 */
export function loadScenarioFile(path: string): Scenario {
  return parseScenario(readFileSync(path, 'utf8'), path);
}
