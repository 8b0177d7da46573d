import { mkdirSync } from 'node:fs';
import {
  expandSweepRuns,
  runRecord,
  runScenario,
  scenarioOfRun,
  shardRuns,
  sweepHeader,
  sweepPartial,
  sweepResult,
  type RunSummary,
  type SweepResult,
  type SweepRunSpec,
} from '../run/index.ts';
import { parseSweep, type SweepPlan } from '../scenario/index.ts';
import { defaultWorkerCount, runJobsInWorkers } from '../worker/pool.ts';
import { CliError, cannotWrite } from './errors.ts';
import { writeFilesAtomically } from './outputs.ts';
import { ProgressBar } from './progress-bar.ts';
import { readScenarioText } from './read-scenario.ts';
import { checkReportPath, writeReport } from './report-file.ts';
import { parseSetOption, parseShardOption } from './set-option.ts';
import { plural } from './format.ts';
import { partialDocument, partialFileName, renderSweepTable, runsLine, sweepCsv, sweepDocument } from './sweep-outputs.ts';

export interface SweepArgs {
  file: string;
  set: string[];
  seeds?: number | undefined;
  seed?: number | undefined;
  workers?: number | undefined;
  shard?: string | undefined;
  out?: string | undefined;
  report?: string | undefined;
  json: boolean;
  variants: boolean;
}

/** `meshsim sweep FILE`: every grid point x variant x seed (or one shard of them), then the tidy table. */
export async function sweepCommand(args: SweepArgs, stdout: (s: string) => void, stderr: (s: string) => void): Promise<void> {
  const grid = args.set.map(parseSetOption);
  const shard = args.shard !== undefined ? parseShardOption(args.shard) : undefined;
  if (shard && !args.out) throw new CliError('--shard needs --out DIR: the directory its partial result is written to');
  if (shard && args.report) throw new CliError('--report shows the whole sweep: give it to meshsim merge once every shard is done');
  const text = readScenarioText(args.file);
  const plan = adjustPlan(parseSweep(text, args.file, { grid, ...(args.seeds !== undefined && { seeds: args.seeds }) }), args);
  if (args.out) makeDir(args.out);
  if (args.report) checkReportPath(args.report);
  const all = expandSweepRuns(plan);
  const mine = shard ? shardRuns(all, shard) : all;
  const started = process.hrtime.bigint();
  const { summaries, workers } = await executeSweep(plan, mine, args.workers);
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const header = sweepHeader(plan);
  const records = mine.map((spec, i) => runRecord(spec, summaries[i]!));
  if (shard) {
    const name = partialFileName(shard);
    const files = write(args.out!, { [name]: partialDocument(sweepPartial(header, shard, records)) });
    stderr(`wrote ${files.join(', ')}\n`);
    stdout(`meshsim sweep · ${header.scenario} · shard ${shard.index}/${shard.count}: ${mine.length} of ${plural(all.length, 'run')} · ${(wallMs / 1000).toFixed(2)}s wall\n`);
    return;
  }
  emitSweep(sweepResult(header, records), { out: args.out, report: args.report, json: args.json, wallMs, workers }, stdout, stderr);
}

/** What both `sweep` and `merge` do with a whole sweep's result. */
export function emitSweep(
  result: SweepResult,
  opts: { out?: string | undefined; report?: string | undefined; json: boolean; wallMs?: number; workers?: number },
  stdout: (s: string) => void,
  stderr: (s: string) => void,
): void {
  if (opts.out) {
    const files = write(opts.out, { 'sweep.json': sweepDocument(result), 'sweep.csv': sweepCsv(result) });
    stderr(`wrote ${files.join(', ')}\n`);
  }
  if (opts.report) stderr(`wrote ${writeReport(opts.report, { kind: 'sweep', result })}\n`);
  if (opts.json) stdout(sweepDocument(result));
  else stdout(renderSweepTable(result, runsLine(result, opts.wallMs, opts.workers)) + '\n');
}

/** --seed and --no-variants, applied to the plan (and to every grid point). */
function adjustPlan(plan: SweepPlan, args: SweepArgs): SweepPlan {
  const seed = args.seed ?? plan.scenario.seed;
  const variants = <T extends { variants: unknown[] }>(s: T): T => (args.variants ? s : { ...s, variants: [] });
  return {
    ...plan,
    scenario: variants({ ...plan.scenario, seed }),
    points: plan.points.map((p) => ({ ...p, scenario: variants({ ...p.scenario, seed }) })),
  };
}

/** One run in process; more in worker threads (K = --workers, default cores - 1). Keeps summaries only. */
async function executeSweep(plan: SweepPlan, runs: SweepRunSpec[], workersArg: number | undefined): Promise<{ summaries: RunSummary[]; workers: number }> {
  const bar = new ProgressBar(process.stderr, runs.length, { logLines: true });
  try {
    if (runs.length === 0) return { summaries: [], workers: 0 };
    if (runs.length === 1 && workersArg === undefined) {
      const spec = runs[0]!;
      const run = runScenario(scenarioOfRun(plan, spec), { seed: spec.seed, variant: spec.variant, onProgress: (p) => bar.update(0, p.simNs / p.durationNs) });
      return { summaries: [run.summary], workers: 0 };
    }
    const workers = Math.min(workersArg ?? defaultWorkerCount(), runs.length);
    const jobs = runs.map((spec) => ({ scenario: scenarioOfRun(plan, spec), spec: { variant: spec.variant, seed: spec.seed } }));
    const summaries = await runJobsInWorkers(jobs, { workers, onProgress: (p) => bar.update(p.done, p.fraction) }, (r) => r.summary);
    return { summaries, workers };
  } finally {
    bar.clear();
  }
}

function makeDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw cannotWrite(dir, e);
  }
}

function write(dir: string, files: Record<string, string>): string[] {
  try {
    return writeFilesAtomically(dir, files);
  } catch (e) {
    throw cannotWrite(dir, e);
  }
}
