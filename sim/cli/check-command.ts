import { evaluateExpectations, expandRuns } from '../run/index.ts';
import { CliError } from './errors.ts';
import { readScenario } from './read-scenario.ts';
import { execute } from './run-command.ts';
import { expectationLines } from './render-lifecycle.ts';

export interface CheckArgs {
  files: string[];
  seeds: number;
  workers?: number | undefined;
}

/**
 * `meshsim check FILE...`: runs each scenario with all its variants and checks its `expect:`
 * list, one line per expectation and variant. Returns the number of expectations that failed.
 * Every file is validated first, so a typo in the last file fails before anything runs.
 */
export async function checkCommand(args: CheckArgs, stdout: (s: string) => void, stderr: (s: string) => void): Promise<number> {
  const scenarios = args.files.map((f) => readScenario(f));
  let failed = 0;
  let checked = 0;
  for (const scenario of scenarios) {
    if (scenario.expect.length === 0) {
      stdout(`-     ${scenario.file}: no expectations (add an expect: list)\n`);
      continue;
    }
    const specs = expandRuns(scenario, args.seeds);
    const { runs } = await execute(scenario, specs, { file: scenario.file, seeds: args.seeds, workers: args.workers, json: false, variants: true }, stderr);
    const results = evaluateExpectations(scenario, runs);
    for (const line of expectationLines(results, scenario.file)) stdout(`${line}\n`);
    failed += results.filter((r) => !r.pass).length;
    checked += results.length;
  }
  if (checked === 0 && scenarios.length > 0 && scenarios.every((s) => s.expect.length === 0)) throw new CliError('none of these scenarios has an expect: list, so there is nothing to check');
  stdout(`${checked - failed} passed, ${failed} failed\n`);
  return failed;
}
