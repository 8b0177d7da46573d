import { parseScenario, type Scenario } from '../../sim/scenario/index.ts';

/** Parses a scenario from YAML text (throws ScenarioError with its problems if invalid). */
export function scenarioFrom(yaml: string, file = 'test.yaml'): Scenario {
  return parseScenario(yaml, file);
}
