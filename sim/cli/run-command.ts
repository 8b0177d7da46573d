import { formatDurationNs } from '../engine/index.ts';
import { BASE_VARIANT, formatAccessLogLine, mergeReplications, runScenario, expandRuns, RunError, type RunOptions, type RunResult, type RunSpec } from '../run/index.ts';
import { BYTES_PER_MB, HARD_LIMITS, parseDurationNs, type Scenario } from '../scenario/index.ts';
import type { ProxyConfigRequest } from '../mesh/index.ts';
import { defaultWorkerCount, runInWorkers } from '../worker/pool.ts';
import { CliError, cannotWrite, unknownVariant } from './errors.ts';
import { checkCanCreateDirectory } from './output-dir.ts';
import { readScenario } from './read-scenario.ts';
import { AtomicLineWriter, conntrackCsvLines, summaryDocument, timeSeriesCsvLines, writeFilesAtomically } from './outputs.ts';
import { ProgressBar } from './progress-bar.ts';
import { renderSummary } from './render-summary.ts';
import { checkReportPath, writeReport } from './report-file.ts';
import { invariantLine } from './invariant-line.ts';

export interface RunArgs {
  file: string;
  seeds: number;
  seed?: number | undefined;
  workers?: number | undefined;
  out?: string | undefined;
  accessLog?: string | undefined;
  report?: string | undefined;
  json: boolean;
  variants: boolean;
  /** --variant NAME, repeated: run only these variants ('base' is the scenario itself). */
  only?: string[] | undefined;
  /** --proxy-status: times (ns) at which to record every proxy's config status. */
  proxyStatusAtNs?: number[] | undefined;
  /** --check-invariants: run the world's checkers after every timeline action and at the end. */
  checkInvariants?: boolean | undefined;
  /** --proxy-config SERVICE/POD@T: one proxy's endpoints of one cluster at a time. */
  proxyConfigAt?: ProxyConfigRequest[] | undefined;
}

/** Parses `SERVICE/POD@T` (e.g. api/frontend-3@45s), or throws a CliError saying how it should look. */
export function parseProxyConfigArg(text: string): ProxyConfigRequest {
  const m = /^([a-z][-a-z0-9]*)\/([^@\s]+)@(.+)$/.exec(text);
  const atNs = m ? parseDurationNs(m[3]!) : undefined;
  if (!m || atNs === undefined) throw new CliError(`--proxy-config takes SERVICE/POD@TIME, like api/frontend-3@45s (got '${text}')`);
  return { service: m[1]!, pod: m[2]!, atNs };
}

/** `meshsim run FILE`: every (seed, variant) run, then the summary, then the files. */
export async function runCommand(args: RunArgs, stdout: (s: string) => void, stderr: (s: string) => void): Promise<void> {
  const loaded = readScenario(args.file);
  const only = chosenVariants(loaded, args);
  const scenario: Scenario = {
    ...loaded,
    ...(args.seed !== undefined && { seed: args.seed }),
    variants: args.variants ? loaded.variants.filter((v) => !only || only.has(v.name)) : [],
  };
  if (loaded.sweep) stderr(`note: ${args.file} has a sweep: block; this runs the scenario as written (meshsim sweep runs the grid)\n`);
  if (args.accessLog && args.seeds > 1) throw new CliError('--access-log records one run per variant; use it with --seeds 1');
  if (args.proxyStatusAtNs?.length && args.seeds > 1) throw new CliError('--proxy-status shows one run per variant; use it with --seeds 1');
  for (const t of args.proxyStatusAtNs ?? []) if (t > scenario.duration) throw new CliError(`--proxy-status ${t / 1e9}s is after the end of the run (${scenario.duration / 1e9}s)`);
  if (args.proxyConfigAt?.length && args.seeds > 1) throw new CliError('--proxy-config shows one run per variant; use it with --seeds 1');
  for (const r of args.proxyConfigAt ?? []) {
    if (!(r.service in scenario.services)) throw new CliError(`--proxy-config ${r.service}/${r.pod}@${r.atNs / 1e9}s: no service '${r.service}' in ${args.file} (services: ${Object.keys(scenario.services).join(', ')})`);
    if (r.atNs > scenario.duration) throw new CliError(`--proxy-config ${r.service}/${r.pod}@${r.atNs / 1e9}s is after the end of the run (${scenario.duration / 1e9}s)`);
    checkPodName(scenario, args.file, r);
  }
  const specs = expandRuns(scenario, args.seeds).filter((spec) => !only || only.has(spec.variant));
  // Fail before a long run, not after it, when --out cannot be a directory (e.g. it is a file),
  // but create nothing yet: a run stopped at a limit used to leave an empty directory behind.
  if (args.out) checkCanCreateDirectory(args.out);
  if (args.report) checkReportPath(args.report);
  const started = process.hrtime.bigint();
  const { runs, workers } = await execute(scenario, specs, args, stderr);
  if (args.checkInvariants) stderr(`${invariantLine(runs)}\n`); // on stderr, like "wrote ..."
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const merged = args.seeds > 1 ? mergeByVariant(runs) : undefined;
  if (args.out) {
    let files: string[];
    try {
      files = writeFilesAtomically(args.out, {
        'summary.json': JSON.stringify(summaryDocument(scenario, runs, merged), null, 2) + '\n',
        'timeseries.csv': timeSeriesCsvLines(runs),
        ...optional('conntrack.csv', conntrackCsvLines(runs)),
      });
    } catch (e) {
      throw cannotWrite(args.out, e);
    }
    stderr(`wrote ${files.join(', ')}\n`);
  }
  if (args.report) {
    const input = { scenario: { name: scenario.name, file: scenario.file, description: scenario.description }, runs, merged };
    stderr(`wrote ${writeReport(args.report, { kind: 'run', input })}\n`);
  }
  if (args.json) stdout(JSON.stringify(summaryDocument(scenario, runs, merged), null, 2) + '\n');
  else stdout(renderSummary({ scenario, runs, ...(merged && { merged }), wallMs, workers }) + '\n');
}

/** The variants --variant names (each checked against the file), or undefined for all of them. */
function chosenVariants(s: Scenario, args: RunArgs): Set<string> | undefined {
  if (args.only === undefined) return undefined;
  if (args.only.length === 0) throw new CliError("--variant needs a variant's name (base: the scenario itself)");
  if (!args.variants) throw new CliError('--variant and --no-variants contradict each other: --variant base runs the base alone');
  const known = [BASE_VARIANT, ...s.variants.map((v) => v.name)];
  for (const name of args.only) if (!known.includes(name)) throw unknownVariant(args.file, name, known);
  return new Set(args.only);
}

/**
 * One spec runs in process; several run in worker threads (K = --workers, default cores - 1).
 * An access log needs its callback in this process, so with --access-log every run is in process.
 */
export async function execute(scenario: Scenario, specs: RunSpec[], args: RunArgs, stderr: (s: string) => void): Promise<{ runs: RunResult[]; workers: number }> {
  const bar = new ProgressBar(process.stderr, specs.length);
  try {
    const extra = {
      ...(args.proxyStatusAtNs && { proxyStatusAtNs: args.proxyStatusAtNs }),
      ...(args.checkInvariants && { checkInvariants: true }),
      ...(args.proxyConfigAt && { proxyConfigAt: args.proxyConfigAt }),
    };
    // Pods are created during the run, so whether a --proxy-config pod existed is known only after
    // it: checked before anything is written (the access log is committed only if it passes).
    const verify = (runs: RunResult[]) => checkProxyConfigPodsFound(scenario, args.proxyConfigAt ?? [], runs);
    if (args.accessLog) return { runs: runWithAccessLog(scenario, specs, args.accessLog, bar, extra, verify), workers: 0 };
    if (args.proxyStatusAtNs?.length || args.checkInvariants || args.proxyConfigAt?.length) {
      // These need the world in this process (a status callback, a check that throws here).
      const runs = specs.map((spec, i) => runScenario(scenario, { ...spec, ...extra, onProgress: (p) => bar.update(i, i + p.simNs / p.durationNs) }));
      verify(runs);
      return { runs, workers: 0 };
    }
    if (specs.length === 1 && args.workers === undefined) {
      const spec = specs[0]!;
      const run = runScenario(scenario, { ...spec, onProgress: (p) => bar.update(0, p.simNs / p.durationNs) });
      return { runs: [run], workers: 0 };
    }
    const workers = Math.min(args.workers ?? defaultWorkerCount(), specs.length);
    const runs = await runInWorkers(scenario, specs, { workers, onProgress: (p) => bar.update(p.done, p.fraction) });
    return { runs, workers };
  } finally {
    bar.clear();
    void stderr;
  }
}

function runWithAccessLog(scenario: Scenario, specs: RunSpec[], file: string, bar: ProgressBar, extra: Partial<RunOptions>, verify: (runs: RunResult[]) => void): RunResult[] {
  let writer: AtomicLineWriter;
  try {
    writer = new AtomicLineWriter(file);
  } catch (e) {
    throw cannotWrite(file, e);
  }
  const limitBytes = scenario.limits.maxAccessLogMb * BYTES_PER_MB;
  try {
    const runs = specs.map((spec, i) =>
      runScenario(scenario, {
        ...spec,
        ...extra,
        accessLog: (record) => {
          writer.line(formatAccessLogLine(record, scenario.variants.length > 0 ? spec.variant : undefined));
          if (writer.bytes > limitBytes) throw accessLogTooLarge(scenario, writer.lines, record.startNs + record.durationNs);
        },
        onProgress: (p) => bar.update(i, i + p.simNs / p.durationNs),
      }),
    );
    verify(runs);
    writer.commit();
    return runs;
  } catch (e) {
    writer.abort();
    throw e;
  }
}

/** The access log passed limits.maxAccessLogMb: the run stops (exit 3) and the log is removed. */
function accessLogTooLarge(scenario: Scenario, lines: number, atNs: number): RunError {
  const mb = scenario.limits.maxAccessLogMb;
  return new RunError(
    `${scenario.name}: stopped at ${formatDurationNs(atNs)} of ${formatDurationNs(scenario.duration)}: the access log passed limits.maxAccessLogMb (${mb}) after ${lines} lines; ` +
      `raise limits.maxAccessLogMb (at most ${HARD_LIMITS.maxAccessLogMb}), or shorten the run or lower its rate`,
  );
}

/** Pods are named SERVICE-N, N counting the service's pods from 0 in the order they are created. */
function serviceOfPod(pod: string): string | undefined {
  return /^(.+)-(0|[1-9]\d*)$/.exec(pod)?.[1];
}

/** A name of another form, or of a service no variant has, names no pod: refused before the run. */
function checkPodName(scenario: Scenario, file: string, r: ProxyConfigRequest): void {
  const services = new Set([scenario, ...scenario.variants.map((v) => v.scenario)].flatMap((s) => Object.keys(s.services)));
  const service = serviceOfPod(r.pod);
  if (service !== undefined && services.has(service)) return;
  const example = `${Object.keys(scenario.services)[0] ?? 'frontend'}-0`;
  throw new CliError(`--proxy-config ${r.service}/${r.pod}@${r.atNs / 1e9}s: no pod can be named ${r.pod} in ${file}: pods are named SERVICE-N, e.g. ${example} (services: ${[...services].join(', ')})`);
}

/**
 * A proxy asked for with --proxy-config that existed at that time in no run (no variant) is bad
 * input (exit 2), as `istioctl proxy-config` fails for a pod it cannot find. One that existed in
 * some variants is shown, with "no pod named ..." for the others.
 */
function checkProxyConfigPodsFound(scenario: Scenario, requests: readonly ProxyConfigRequest[], runs: RunResult[]): void {
  // Matched by what was asked, not by position: the dumps are recorded in time order.
  const dumpOf = (run: RunResult, r: ProxyConfigRequest) => run.summary.proxyConfigs.find((d) => d.pod === r.pod && d.service === r.service && d.atNs === r.atNs);
  const missing = requests.filter((r) => runs.every((run) => dumpOf(run, r)?.found === false));
  if (missing.length === 0) return;
  const lines = missing.map((r) => {
    const service = serviceOfPod(r.pod)!; // checkPodName let only SERVICE-N names through
    const start = scenario.services[service]?.replicas;
    const first = start === undefined ? '' : start === 0 ? `; ${service} starts with no pods` : `; ${service} starts with ${service}-0${start > 1 ? ` to ${service}-${start - 1}` : ''}`;
    return `--proxy-config ${r.service}/${r.pod}@${r.atNs / 1e9}s: no pod named ${r.pod} existed at ${r.atNs / 1e9}s${runs.length > 1 ? ' in any variant' : ''}${first} (--proxy-status ${r.atNs / 1e9}s lists the pods then)`;
  });
  throw new CliError(`${lines.join('\nmeshsim: ')}\nNothing was written.`);
}

export function mergeByVariant(runs: RunResult[]) {
  const variants = [...new Set(runs.map((r) => r.summary.variant))];
  return variants.map((v) => mergeReplications(runs.filter((r) => r.summary.variant === v).map((r) => r.summary)));
}

function optional(name: string, content: string | Iterable<string> | undefined): Record<string, string | Iterable<string>> {
  return content === undefined ? {} : { [name]: content };
}
