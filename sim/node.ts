/**
 * The package's entry in Node: the whole library API (sim/index.ts) plus file loading.
 * @packageDocumentation
 */
import { readFileSync } from 'node:fs';
import { decodeScenarioBytes, parseScenario, type Scenario } from './scenario/index.ts';

export * from './index.ts';

/**
 * Reads and validates a scenario file.
 * @throws ScenarioError for invalid content (or bytes that are not UTF-8); the fs error if the file cannot be read.
 */
export function loadScenarioFile(path: string): Scenario {
  return parseScenario(decodeScenarioBytes(readFileSync(path), path), path);
}
