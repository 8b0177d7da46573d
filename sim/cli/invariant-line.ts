/**
 * The line `meshsim run --check-invariants` prints once every check has held (a failed one stops
 * the run first): every checker ran at each check point the runs counted, so a run that reached
 * none says so rather than "all held".
 */
import { ALL_CHECKERS } from '../mesh/checkers/checkers.ts';
import type { RunResult } from '../run/index.ts';
import { plural } from './format.ts';

export function invariantLine(runs: readonly RunResult[]): string {
  const points = runs.reduce((n, r) => n + (r.invariantCheckPoints ?? 0), 0);
  if (points === 0) return `--check-invariants: no invariant checks ran in ${plural(runs.length, 'run')}`;
  const invariants = Object.keys(ALL_CHECKERS).length;
  return `--check-invariants: ${invariants * points} checks, all held (${invariants} invariants x ${points} check points in ${plural(runs.length, 'run')}: after each timeline action and at each run's end)`;
}
