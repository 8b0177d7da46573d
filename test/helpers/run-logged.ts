import type { AccessLogRecord } from '../../sim/mesh/index.ts';
import { runScenario, type RunResult } from '../../sim/run/index.ts';
import { scenarioFrom } from './scenario.ts';

/** Runs a YAML scenario with the world checkers on, keeping its access log. */
export function runLogged(yaml: string): { result: RunResult; log: AccessLogRecord[] } {
  const log: AccessLogRecord[] = [];
  const result = runScenario(scenarioFrom(yaml), { accessLog: (r) => log.push(r), checkInvariants: true });
  return { result, log };
}

/** A service's summary by name. */
export const service = (r: RunResult, name: string) => r.summary.services.find((s) => s.name === name)!;
