/**
 * The fuzzer's properties, shared by the fixed-seed suite in `npm test` (scenario-fuzz.test.ts)
 * and the long runs of `npm run fuzz` (main.ts). Each is an async fast-check property that
 * throws (with a message saying what broke) on a failing case.
 */
import { dirname } from 'node:path';
import fc from 'fast-check';
import { parseScenario } from '../../sim/scenario/index.ts';
import { corruptedScenarioArb } from './corruptions.ts';
import { validScenarioArb } from './arbitraries/scenario.ts';
import { runCase, type Outcome } from './outcome.ts';

const STACK_LINE = /^\s+at .*[(:]/m;

class Broken extends Error {
  override name = 'PropertyBroken';
}

function check(ok: boolean, what: string, o: Outcome): void {
  if (!ok) throw new Broken(`${what}\nexit ${o.code}\nstderr:\n${o.stderr.slice(0, 2000)}`);
}

/**
 * What holds for any input: exit 0, 2 or 3, never an internal error or a stack trace; bad input
 * is reported per line as FILE:LINE:COLUMN with a line that exists, or as a file-level problem;
 * a run that stopped at a limit names it and leaves nothing under --out and no access log; a
 * finished run writes summary.json, timeseries.csv (and conntrack.csv when it tracks connections)
 * and one access-log line per attempt (a request that was retried has one line per try, envoy.md §4.5).
 */
export function checkAnyInput(o: Outcome, bytes: Uint8Array): void {
  check([0, 2, 3].includes(o.code), 'exit code is 0, 2 or 3', o);
  check(!o.stderr.includes('internal error'), 'no internal error', o);
  check(!STACK_LINE.test(o.stderr) && !STACK_LINE.test(o.stdout), 'no stack trace', o);
  if (o.code !== 0) {
    check(o.outFiles === null, 'a failed or stopped run creates nothing under --out', o);
    check(o.accessLog === null, 'a failed or stopped run leaves no access log', o);
    check(o.stdout === '', 'a failed or stopped run prints no summary', o);
  }
  if (o.code === 2) checkBadInputMessage(o, bytes);
  if (o.code === 3) {
    check(/^meshsim: run stopped: /m.test(o.stderr), 'a stopped run says "run stopped"', o);
    check(/limits\.\w+|simulated time stopped advancing/.test(o.stderr), 'a stopped run names the limit', o);
  }
  if (o.code === 0) {
    // conntrack.csv too when the scenario tracks connections (cluster.conntrack.enabled).
    const tracked = o.runs!.some((r) => (r as { conntrack?: unknown }).conntrack != null);
    const expected = tracked ? 'conntrack.csv,summary.json,timeseries.csv' : 'summary.json,timeseries.csv';
    check(o.outFiles?.join(',') === expected, `a finished run writes ${expected.replaceAll(',', ', ')}, nothing else`, o);
    const requests = o.runs!.reduce((a, r) => a + r.services.reduce((b, s) => b + s.startedTotal, 0), 0);
    const retries = o.runs!.reduce((a, r) => a + r.services.reduce((b, s) => b + s.retries, 0), 0);
    check(o.accessLog?.lines === requests + retries, `one access-log line per attempt (${o.accessLog?.lines} lines, ${requests} requests, ${retries} retries)`, o);
    const inFlight = o.runs!.reduce((a, r) => a + r.services.reduce((b, s) => b + s.inFlightAtEnd, 0), 0);
    const marked = o.accessLog!.inFlightAtEnd;
    check(marked === inFlight, `requests in flight at the end are in the access log, marked (${marked} marked, ${inFlight} in flight)`, o);
  }
}

function checkBadInputMessage(o: Outcome, bytes: Uint8Array): void {
  const lines = o.stderr.trimEnd().split('\n');
  if (lines[0]!.startsWith('meshsim: ')) return; // a CliError about the file itself (too large)
  const lineCount = new TextDecoder().decode(bytes).split(/\r\n|\r|\n/).length;
  const last = lines.pop()!;
  check(/^\d+ problems? in .+; nothing was run\.$/.test(last), 'bad input ends with "N problems in FILE; nothing was run."', o);
  for (const l of lines) {
    check(l.startsWith(`${o.file}:`), `every problem is one line that names the file: ${JSON.stringify(l)}`, o);
    const m = /^:(\d+):(\d+): /.exec(l.slice(o.file.length));
    if (m) check(Number(m[1]) >= 1 && Number(m[1]) <= lineCount, `problem line ${m[1]} is a line of the file (${lineCount})`, o);
  }
}

/**
 * What holds for a valid scenario: it is accepted; it runs to the end or stops at a limit; a
 * finished run stays within limits.maxEvents and limits.maxMemoryMb, conserves requests (every
 * request started ended once, or is counted in flight at the end) and keeps the world's
 * invariants (runCase runs with --check-invariants: a broken one is an internal error, exit 1).
 */
export function checkValidScenario(o: Outcome, yaml: string): void {
  check(o.code === 0 || o.code === 3, 'a valid scenario is accepted and runs (exit 0, or 3 at a limit)', o);
  if (o.code !== 0) return;
  check(/^--check-invariants: \d+ checks, all held/m.test(o.stderr), "the world's invariant checkers ran and held", o);
  const s = parseScenario(yaml, 'case.yaml');
  const limitsOf = (variant: string) => (variant === 'base' ? s : s.variants.find((v) => v.name === variant)!.scenario).limits;
  for (const r of o.runs!) {
    const limits = limitsOf(r.variant);
    check(r.events <= limits.maxEvents, `${r.variant}: ${r.events} events, within limits.maxEvents ${limits.maxEvents}`, o);
    check(r.memoryEstimateMb <= limits.maxMemoryMb, `${r.variant}: memory estimate ${r.memoryEstimateMb} MB within limits.maxMemoryMb ${limits.maxMemoryMb}`, o);
    for (const x of [...r.services, ...r.workloads]) {
      check(x.requests <= x.startedTotal && x.startedTotal - x.requests >= x.inFlightAtEnd, `${r.variant}/${x.name}: requests are conserved`, o);
      if (r.warmupS === 0) check(x.requests + x.inFlightAtEnd === x.startedTotal, `${r.variant}/${x.name}: started = ended + in flight`, o);
    }
  }
}

/** The same input twice gives the same exit, the same messages and the same result digests. */
export function checkSameTwice(a: Outcome, b: Outcome): void {
  const norm = (o: Outcome) => o.stderr.split(dirname(o.file)).join('DIR');
  check(a.code === b.code, `same exit code twice (${a.code}, ${b.code})`, a);
  check(norm(a) === norm(b), `same messages twice:\n${norm(a)}\n---\n${norm(b)}`, a);
  const digests = (o: Outcome) => JSON.stringify(o.runs?.map((r) => [r.variant, r.digest, r.eventDigest]) ?? null);
  check(digests(a) === digests(b), 'same result digests twice', a);
}

const utf8 = (text: string) => new TextEncoder().encode(text);
const validBytesArb = validScenarioArb.map((g) => utf8(g.yaml));

/** Every property takes the bytes of a scenario file, so all of them replay and print alike. */
export const properties: Record<string, fc.IAsyncPropertyWithHooks<[Uint8Array]>> = {
  'any corrupted scenario ends with exit 0, 2 or 3, a clear message and nothing half-written': fc.asyncProperty(corruptedScenarioArb, async (bytes) => {
    checkAnyInput(await runCase(bytes), bytes);
  }),
  'a valid scenario is accepted, runs within its event and memory limits, conserves requests and keeps the invariants': fc.asyncProperty(validBytesArb, async (bytes) => {
    const o = await runCase(bytes);
    checkAnyInput(o, bytes);
    checkValidScenario(o, new TextDecoder().decode(bytes));
  }),
  'the same input twice gives the same exit, messages and digests': fc.asyncProperty(fc.oneof(validBytesArb, corruptedScenarioArb), async (bytes) => {
    checkSameTwice(await runCase(bytes), await runCase(bytes));
  }),
};
