/**
 * The meshsim command end to end: the real bin/meshsim.js in a child process, as a user or a
 * CI script runs it. Checks exit codes (0 ok, 2 bad input, 3 run stopped, never 1 for a user's
 * mistake), what goes to stdout and stderr, and the files written. Scenarios are tiny (a few
 * simulated seconds) so each invocation is dominated by Node's start-up.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { HELP_EXAMPLES } from '../../sim/cli/help-examples.ts';
import { bin, expectNoStackTrace, meshsim, repoRoot, type CliResult } from '../helpers/meshsim-cli.ts';

const corpusFile = join(repoRoot, 'test', 'scenario', 'corpus', '09-unknown-key-replica.yaml');

const dir = mkdtempSync(join(tmpdir(), 'meshsim-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function scenarioFile(name: string, yaml: string): string {
  const file = join(dir, name);
  writeFileSync(file, yaml);
  return file;
}

function freshDir(name: string): string {
  const d = join(dir, name);
  mkdirSync(d);
  return d;
}

// recommendations has no pods, so every call to it is answered 503 UH (it is optional, so the
// page still succeeds). The workload stops before the end so nothing is in flight at the end.
const SMALL = `name: small
seed: 7
duration: 3s
services:
  frontend:
    replicas: 2
    calls:
      - service: backend
      - { service: recommendations, required: false }
  backend: { replicas: 2, app: { serviceTime: { exponential: { mean: 2ms } } } }
  recommendations: { replicas: 0 }
workload:
  - { name: shoppers, to: frontend, rate: 200/s, end: 2500ms }
`;
const small = scenarioFile('small.yaml', SMALL);
const withVariant = scenarioFile('variant.yaml', `${SMALL}variants:\n  more-backend:\n    set: { services.backend.replicas: 4 }\n`);
const withExpect = scenarioFile('expect.yaml', `${SMALL}expect:\n  - { metric: shoppers.successRate, atLeast: 0.5 }\n`);
// One worker per pod and an hour of work per request, no timeout: requests pile up until
// limits.maxInFlightRequests stops the run, half a second in.
const stuck = scenarioFile(
  'stuck.yaml',
  `duration: 10s
services:
  slow: { replicas: 1, app: { serviceTime: 1h, concurrency: 1 } }
workload:
  - { to: slow, rate: 100/s }
limits: { maxInFlightRequests: 50 }
`,
);

/**
 * meshsim with its stdout pipe closed by the reader before it writes anything, as `| head` does
 * once it has its lines: the first write fails with EPIPE. Returns the exit code and stderr.
 */
function withStdoutClosed(...args: string[]): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true' };
  delete env.MESHSIM_DEBUG;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy(); // Node takes far longer to start than this takes to close the pipe
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: '', stderr }));
  });
}

interface SeriesJson {
  name: string;
  requests: number;
  successRate: number | null;
  startedTotal: number;
  inFlightAtEnd: number;
  latency: Record<string, unknown>;
}
interface SummaryJson {
  runs: { variant: string; seed: number; digest: string; durationS: number; services: SeriesJson[]; workloads: SeriesJson[] }[];
  merged?: { variant: string; services: unknown[] }[];
}

describe.concurrent('meshsim CLI', () => {
  describe.concurrent('arguments', () => {
    it('--help exits 0 and lists the run, validate and schema commands', async () => {
      const r = await meshsim('--help');
      expect(r.code).toBe(0);
      for (const command of ['run', 'validate', 'schema']) expect(r.stdout).toMatch(new RegExp(`meshsim ${command}\\b`));
    });

    it('--version prints the package version', async () => {
      const r = await meshsim('--version');
      const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
      expect(r.code).toBe(0);
      expect(r.stdout.trim()).toBe(pkg.version);
    });

    it('an unknown command exits 2 naming it, in one line, without usage dump or stack trace', async () => {
      const r = await meshsim('frob');
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trim().split('\n');
      expect(lines[0]).toMatch(/^meshsim: unknown command 'frob'/);
      expect(lines.length).toBeLessThanOrEqual(2);
      expectNoStackTrace(r);
    });

    it('an unknown command with no close match is called an unknown command, and the commands are listed (exit 2)', async () => {
      const [r, help] = await Promise.all([meshsim('frobnicate'), meshsim('--help')]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe("meshsim: unknown command 'frobnicate'; the commands are run, validate, check, sweep, merge, schema\nRun 'meshsim --help' for usage.\n");
      // The list is the one --help shows.
      const listed = [...help.stdout.matchAll(/^ {2}meshsim (\w+)\b/gm)].map((m) => m[1]);
      expect(new Set(listed.slice(0, 6))).toEqual(new Set(['run', 'validate', 'check', 'sweep', 'merge', 'schema']));
    });

    it('a reader that closes the pipe early (meshsim schema | head) ends every command quietly with exit 0', async () => {
      const runs = await Promise.all([
        withStdoutClosed('schema'),
        withStdoutClosed('--help'),
        withStdoutClosed('validate', small),
        withStdoutClosed('run', small, '--json'),
        withStdoutClosed('run', small),
        withStdoutClosed('check', withExpect),
      ]);
      for (const r of runs) {
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
      }
    });

    it('the --help example for --proxy-status shows a STALE proxy at the time it names', async () => {
      const [command, description] = HELP_EXAMPLES.find(([c]) => c.includes('--proxy-status'))!;
      const args = command.replace(/^\$0 /, '').split(' ');
      const at = args[args.indexOf('--proxy-status') + 1]!;
      expect(description).toContain(at);
      expect(description).toContain('STALE');
      const r = await meshsim(...args, '--no-variants');
      expect(r.code).toBe(0);
      const header = r.stdout.split('\n').find((l) => l.startsWith(`proxy-status at ${at} (base):`));
      expect(header).toMatch(/, [1-9]\d* STALE,/);
      expect(r.stdout).toMatch(/^\S+ +\S+ +STALE +\d+ /m);
    });

    it('a flag without its value exits 2 saying so, without a stack trace', async () => {
      for (const args of [['run', small, '--variant'], ['sweep', small, '--set'], ['run', small, '--out'], ['run', small, '--seed'], ['validate', small, '--variant']]) {
        const r = await meshsim(...args);
        expect(r.code).toBe(2);
        expect(r.stderr.split('\n')[0]).toBe(`meshsim: Not enough arguments following: ${args[2]!.slice(2)}`);
        expectNoStackTrace(r);
      }
    });

    it('an unknown flag exits 2 naming it, in one line, without running anything', async () => {
      const r = await meshsim('run', small, '--frobnicate');
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trim().split('\n');
      expect(lines[0]).toBe('meshsim: Unknown argument: frobnicate');
      expect(lines.length).toBeLessThanOrEqual(2);
      expectNoStackTrace(r);
    });
  });

  describe.concurrent('validate', () => {
    it('a valid scenario exits 0 and says ok on stdout, nothing on stderr', async () => {
      const r = await meshsim('validate', small);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`${small}: ok (3 services, 4 pods, 1 workload, 0 timeline events, 0 variants)\n`);
      expect(r.stderr).toBe('');
    });

    it('--print keeps stdout a YAML document: the ok line is a comment in it', async () => {
      const r = await meshsim('validate', small, '--print');
      expect(r.code).toBe(0);
      expect(r.stdout.split('\n')[0]).toBe(`# ${small}: ok (3 services, 4 pods, 1 workload, 0 timeline events, 0 variants)`);
      expect((parse(r.stdout) as { name: string }).name).toBe('small');
      expect(r.stderr).toBe('');
    });

    it('--print writes a file that validates as it stands, in units: durations, rates, distributions', async () => {
      const r = await meshsim('validate', small, '--print');
      const printed = scenarioFile('printed.yaml', r.stdout);
      const again = await meshsim('validate', printed);
      expect(again.code).toBe(0);
      const doc = parse(r.stdout) as { duration: string; metrics: { interval: string }; mesh: { connectTimeout: string } };
      expect([doc.duration, doc.metrics.interval, doc.mesh.connectTimeout]).toEqual(['3s', '1s', '10s']);
    });

    it('--variant NAME prints the variant as it runs: run, it gives the figures the variant gives', async () => {
      const r = await meshsim('validate', withVariant, '--variant', 'more-backend');
      expect(r.code).toBe(0);
      const doc = parse(r.stdout) as { name: string; services: { backend: { replicas: number } }; variants: object };
      expect(doc.name).toBe('small.more-backend');
      expect(doc.services.backend.replicas).toBe(4);
      expect(doc.variants).toEqual({});
      const printed = scenarioFile('printed-variant.yaml', r.stdout);
      const [alone, asVariant] = await Promise.all([meshsim('run', printed, '--json'), meshsim('run', withVariant, '--json', '--variant', 'more-backend')]);
      const figures = (x: CliResult) => (JSON.parse(x.stdout) as SummaryJson).runs.map((run) => [run.services, run.workloads]);
      expect(figures(alone)).toEqual(figures(asVariant));
      const base = parse((await meshsim('validate', withVariant, '--variant', 'base')).stdout) as { name: string; variants: object; expect: unknown[] };
      expect([base.name, base.variants, base.expect]).toEqual(['small', {}, []]);
      const twice = await meshsim('validate', withVariant, '--variant', 'base', '--variant', 'more-backend');
      expect(twice.code).toBe(2);
      expect(twice.stderr.split('\n')[0]).toBe('meshsim: validate --variant prints one variant; give it once');
      const wrong = await meshsim('validate', withVariant, '--variant', 'fewer');
      expect(wrong.code).toBe(2);
      expect(wrong.stderr).toBe(`meshsim: ${withVariant} has no variant 'fewer' (variants: base, more-backend)\n`);
      expect(wrong.stdout).toBe('');
    });

    it('--print on several files writes a YAML stream: one document per file', async () => {
      const r = await meshsim('validate', small, withVariant, '--print');
      expect(r.code).toBe(0);
      const docs = parseAllDocuments(r.stdout);
      expect(docs.map((d) => d.errors)).toEqual([[], []]);
      expect(docs.map((d) => Object.keys((d.toJS() as { variants: object }).variants))).toEqual([[], ['more-backend']]);
    });

    it('a malformed scenario exits 2 with file:line:column: path: message and "nothing was run", no stack trace', async () => {
      const rel = 'test/scenario/corpus/09-unknown-key-replica.yaml';
      const r = await meshsim('validate', rel);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`${rel}:7:5: services.backend.replica: unknown key 'replica' (did you mean 'replicas'?)`);
      expect(r.stderr).toContain('nothing was run');
      expectNoStackTrace(r);
    });

    it('checks every file given and fails if any is invalid: ok lines on stdout, problems on stderr', async () => {
      const r = await meshsim('validate', small, corpusFile);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe(`${small}: ok (3 services, 4 pods, 1 workload, 0 timeline events, 0 variants)\n`);
      expect(r.stderr).toContain(`${corpusFile}:7:5:`);
      expect(r.stderr).not.toContain(': ok');
    });
  });

  describe.concurrent('run', () => {
    it('a missing file exits 2 with "cannot read ...: no such file"', async () => {
      const missing = join(dir, 'does-not-exist.yaml');
      const r = await meshsim('run', missing);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`cannot read ${missing}: no such file`);
      expectNoStackTrace(r);
    });

    it('prints the summary table with every service and the success column', async () => {
      const r = await meshsim('run', small);
      expect(r.code).toBe(0);
      const header = r.stdout.split('\n').find((l) => l.startsWith('service'));
      expect(header).toMatch(/\bsuccess\b/);
      for (const name of ['frontend', 'backend', 'recommendations', 'shoppers']) expect(r.stdout).toMatch(new RegExp(`^${name}\\s`, 'm'));
      expect(r.stdout).toMatch(/^recommendations .*0\.00%.*503=\d.*UH=\d/m);
    });

    it('--variant runs only the variants it names, each with the digest it has in a run of them all', async () => {
      const [all, one, both] = await Promise.all([
        meshsim('run', withVariant, '--json'),
        meshsim('run', withVariant, '--json', '--variant', 'more-backend'),
        meshsim('run', withVariant, '--json', '--variant', 'more-backend', '--variant', 'base'),
      ]);
      const runs = (r: CliResult) => (JSON.parse(r.stdout) as SummaryJson).runs.map((x) => [x.variant, x.digest]);
      expect(runs(all).map(([v]) => v)).toEqual(['base', 'more-backend']);
      expect(runs(one)).toEqual(runs(all).slice(1));
      expect(runs(both)).toEqual(runs(all));
      const [unknown, contradictory] = await Promise.all([meshsim('run', withVariant, '--variant', 'fewer'), meshsim('run', withVariant, '--variant', 'base', '--no-variants')]);
      expect([unknown.code, contradictory.code]).toEqual([2, 2]);
      expect(unknown.stderr).toBe(`meshsim: ${withVariant} has no variant 'fewer' (variants: base, more-backend)\n`);
      expect(contradictory.stderr).toMatch(/^meshsim: --variant and --no-variants contradict each other/);
      expect(unknown.stdout + contradictory.stdout).toBe('');
      // A repeatable flag takes one value each time, so it may come before the file.
      const first = await meshsim('run', '--variant', 'more-backend', withVariant, '--json');
      expect(runs(first)).toEqual(runs(one));
    });

    it('--json prints per-service requests, success rate and latency, identical across invocations', async () => {
      const [a, b] = await Promise.all([meshsim('run', small, '--json'), meshsim('run', small, '--json')]);
      expect(a.code).toBe(0);
      expect(b.code).toBe(0);
      const doc = JSON.parse(a.stdout) as SummaryJson;
      const services = doc.runs[0]!.services;
      expect(services.map((s) => s.name)).toEqual(['frontend', 'backend', 'recommendations']);
      for (const s of services) {
        expect(s.requests).toBeGreaterThan(0);
        expect(s.latency).toHaveProperty('p99Ms');
      }
      expect(services[0]!.successRate).toBe(1);
      expect(services[2]!.successRate).toBe(0);
      expect(doc.runs[0]!.digest).toMatch(/\S/);
      expect(JSON.parse(b.stdout)).toEqual(doc);
      expect(b.stdout).toBe(a.stdout);
    });

    it('--out writes parseable summary.json and a timeseries.csv row per variant x seed x series x interval, and no temporary files', async () => {
      const out = join(dir, 'out-ok');
      const r = await meshsim('run', withVariant, '--seeds', '2', '--workers', '1', '--out', out);
      expect(r.code).toBe(0);
      expect(readdirSync(out).sort()).toEqual(['summary.json', 'timeseries.csv']);
      const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as SummaryJson;
      expect(summary.runs).toHaveLength(4);
      const csv = readFileSync(join(out, 'timeseries.csv'), 'utf8').trimEnd().split('\n');
      expect(csv[0]).toMatch(/^variant,seed,series,kind,interval_start_s,started,ended/);
      const intervals = 3; // 3s at the default 1s interval
      const expected = summary.runs.flatMap((run) =>
        [...run.services, ...run.workloads].flatMap((s) => Array.from({ length: intervals }, (_, i) => `${run.variant},${run.seed},${s.name},${i}`)),
      );
      const rows = csv.slice(1).map((l) => l.split(',')).map((c) => `${c[0]},${c[1]},${c[2]},${c[4]}`);
      expect(rows.sort()).toEqual(expected.sort());
    });

    it('--access-log writes one JSON line per request, with Envoy keys and response flags', async () => {
      const logDir = freshDir('log-ok');
      const log = join(logDir, 'access.log');
      const r = await meshsim('run', small, '--json', '--access-log', log);
      expect(r.code).toBe(0);
      const run = (JSON.parse(r.stdout) as SummaryJson).runs[0]!;
      const lines = readFileSync(log, 'utf8').trimEnd().split('\n');
      expect(run.services.every((s) => s.inFlightAtEnd === 0)).toBe(true);
      const started = run.services.reduce((a, s) => a + s.startedTotal, 0);
      expect(lines).toHaveLength(started);
      const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
      for (const key of ['start_time', 'duration', 'response_code', 'response_flags', 'upstream_host', 'upstream_cluster', 'downstream_pod', 'attempt']) {
        expect(records.every((rec) => key in rec), key).toBe(true);
      }
      const uh = records.filter((rec) => rec.response_flags === 'UH');
      expect(uh.length).toBe(run.services.find((s) => s.name === 'recommendations')!.startedTotal);
      expect(uh.every((rec) => rec.response_code === 503 && String(rec.upstream_cluster).includes('recommendations'))).toBe(true);
      expect(readdirSync(logDir)).toEqual(['access.log']);
    });

    it('--seeds 3 shows a ±CI and merged figures per variant that do not depend on --workers', async () => {
      const [table, two, one] = await Promise.all([
        meshsim('run', withVariant, '--seeds', '3', '--workers', '2'),
        meshsim('run', withVariant, '--seeds', '3', '--workers', '2', '--json'),
        meshsim('run', withVariant, '--seeds', '3', '--workers', '1', '--json'),
      ]);
      expect(table.code).toBe(0);
      expect(table.stdout).toMatch(/^frontend +base +[\d,]+ +100\.00% ±\d/m);
      expect(two.code).toBe(0);
      expect(one.code).toBe(0);
      const merged = (JSON.parse(two.stdout) as SummaryJson).merged;
      expect(merged?.map((m) => m.variant)).toEqual(['base', 'more-backend']);
      expect((JSON.parse(one.stdout) as SummaryJson).merged).toEqual(merged);
    });

    it('schema prints the JSON Schema', async () => {
      const r = await meshsim('schema');
      expect(r.code).toBe(0);
      const schema = JSON.parse(r.stdout) as { $schema: string; properties: Record<string, unknown> };
      expect(schema.$schema).toContain('2020-12');
      expect(schema.properties).toHaveProperty('services');
    });
  });

  describe.concurrent('runs that stop at a limit', () => {
    it('exceeding limits.maxInFlightRequests exits 3, says "run stopped" and writes nothing into --out', async () => {
      const out = freshDir('out-stopped');
      const r = await meshsim('run', stuck, '--out', out);
      expect(r.code).toBe(3);
      expect(r.stderr).toContain('run stopped');
      expect(r.stderr).toContain('limits.maxInFlightRequests');
      expect(readdirSync(out)).toEqual([]);
      expectNoStackTrace(r);
    });

    it('a run stopped inside a worker thread is also exit 3, not an internal error', async () => {
      const out = freshDir('out-stopped-workers');
      const r = await meshsim('run', stuck, '--seeds', '2', '--workers', '2', '--out', out);
      expect(r.code).toBe(3);
      expect(r.stderr).toContain('run stopped');
      expect(r.stderr).not.toContain('internal error');
      expect(readdirSync(out)).toEqual([]);
    });

    it('a stopped run with --access-log leaves neither the log nor its temporary file', async () => {
      const logDir = freshDir('log-stopped');
      const r = await meshsim('run', stuck, '--access-log', join(logDir, 'access.log'));
      expect(r.code).toBe(3);
      expect(readdirSync(logDir)).toEqual([]);
    });
  });

  describe.concurrent('outputs that cannot be written are bad input', () => {
    it('--out naming an existing file exits 2 before running', async () => {
      const r = await meshsim('run', stuck, '--out', small);
      // stuck.yaml would exit 3 if it ran: exit 2 shows the path was refused up front.
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`cannot write ${small}`);
      expect(readFileSync(small, 'utf8')).toBe(SMALL);
      expectNoStackTrace(r);
    });

    it('--access-log naming a directory exits 2 and leaves no temporary file', async () => {
      const parent = freshDir('log-parent');
      const target = join(parent, 'access.log');
      mkdirSync(target);
      const r = await meshsim('run', small, '--access-log', target);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`cannot write ${target}: it is a directory`);
      expect(readdirSync(parent)).toEqual(['access.log']);
      expect(readdirSync(target)).toEqual([]);
      expectNoStackTrace(r);
    });
  });
});
