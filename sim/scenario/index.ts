export { parseScenario, MAX_SCENARIO_BYTES } from './load.ts';
export { ScenarioError, formatProblems } from './errors.ts';
export type { ScenarioProblem } from './errors.ts';
export type { Scenario, Variant, Workload } from './scenario.ts';
export type { CallParsed as Call, CallStepParsed as CallStep, ServiceParsed as Service, TimelineEventParsed as TimelineEvent } from './schema.ts';
export { scenarioJsonSchema } from './json-schema.ts';
export { HARD_LIMITS } from './limits.ts';
export { callsOf, peakPods } from './semantics.ts';
export { parseDurationNs, parseRatePerS } from './units.ts';
