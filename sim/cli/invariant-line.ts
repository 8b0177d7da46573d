/**
 * The line `meshsim run --check-invariants` prints once every check has held (a failed one stops
 * the run first): how many checks the runs made, from the runs' own counts, so a run that made
 * none says so rather than "all held".
 */
import { ALL_CHECKERS } from '../mesh/checkers/checkers.ts';
import type { RunResult } from '../run/index.ts';

export function invariantLine(runs: readonly RunResult[]): string {
  const runText = `${runs.length} run${runs.length === 1 ? '' : 's'}`;
  const checks = runs.reduce((n, r) => n + (r.invariantChecks?.checks ?? 0), 0);
  const points = runs.reduce((n, r) => n + (r.invariantChecks?.points ?? 0), 0);
  if (checks === 0) return `--check-invariants: no invariant checks ran in ${runText}`;
  const invariants = Object.keys(ALL_CHECKERS).length;
  return `--check-invariants: ${checks} checks, all held (${invariants} invariants x ${points} check points in ${runText}: after each timeline action and at each run's end)`;
}
