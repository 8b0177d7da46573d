/**
 * The scenario fuzzer at a fixed seed, a few hundred cases: corrupted scenarios (line edits,
 * type swaps, YAML features, encodings, deep nesting, alias bombs) and valid ones generated
 * from the schema's parts, each through the CLI's own path. `npm run fuzz -- --runs 10000`
 * runs the same properties for longer, with a new seed each time.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseScenario, scenarioJsonSchema } from '../../sim/scenario/index.ts';
import { validScenarioArb } from './arbitraries/scenario.ts';
import { DEFAULT_RUNS, failureHeader, parseFuzzArgs } from './args.ts';
import { cleanUpCases, tallyAccessLog } from './outcome.ts';
import type { Outcome } from './outcome.ts';
import { checkAnyInput, checkValidScenario, properties } from './properties.ts';
import type { RunSummary } from '../../sim/run/index.ts';

const SEED = 20261203;
const RUNS: Record<string, number> = {
  'any corrupted scenario ends with exit 0, 2 or 3, a clear message and nothing half-written': 250,
  'a valid scenario is accepted, runs within its event and memory limits, conserves requests and keeps the invariants': 100,
  'the same input twice gives the same exit, messages and digests': 80,
};

afterAll(cleanUpCases);

describe('scenario fuzzing', () => {
  for (const [name, property] of Object.entries(properties)) {
    it(name, async () => {
      await fc.assert(property, { seed: SEED, numRuns: RUNS[name] ?? 100 });
    });
  }

  it('the valid-scenario generator covers every field of the schema (a new field needs its arbitrary)', () => {
    const seen = new Set<string>();
    for (const g of fc.sample(validScenarioArb, { numRuns: 600, seed: SEED })) collectPaths(g.data, '', seen);
    const declared = schemaPaths(scenarioJsonSchema(), '');
    expect(declared.length).toBeGreaterThan(60);
    const missing = declared.filter((p) => !seen.has(p));
    expect(missing).toEqual([]);
  });

  it('the checks fail on what they guard against: an internal error, a stack trace, a stopped run that wrote files, a problem without its file', () => {
    const bytes = new TextEncoder().encode('duration: 1s\n');
    const base: Outcome = { code: 2, stdout: '', stderr: '/t/case.yaml:1:1: services: is required\n1 problem in /t/case.yaml; nothing was run.\n', outFiles: null, runs: null, accessLog: null, file: '/t/case.yaml' };
    expect(() => checkAnyInput(base, bytes)).not.toThrow();
    expect(() => checkAnyInput({ ...base, code: 1, stderr: 'meshsim: internal error: x\n' }, bytes)).toThrow(/exit code is 0, 2 or 3/);
    expect(() => checkAnyInput({ ...base, stderr: `${base.stderr}    at parse (/x.js:1:2)\n` }, bytes)).toThrow(/no stack trace/);
    expect(() => checkAnyInput({ ...base, code: 3, stderr: 'meshsim: run stopped: limits.maxEvents\n', outFiles: [] }, bytes)).toThrow(/creates nothing under --out/);
    expect(() => checkAnyInput({ ...base, stderr: 'services: is required\n1 problem in /t/case.yaml; nothing was run.\n' }, bytes)).toThrow(/names the file/);
    expect(() => checkAnyInput({ ...base, stderr: '/t/case.yaml:9:1: x\n1 problem in /t/case.yaml; nothing was run.\n' }, bytes)).toThrow(/is a line of the file/);
  });

  it("a valid scenario's check fails when the invariant checkers did not run or did not hold", () => {
    const yaml = 'duration: 1s\nservices: { a: { replicas: 1 } }\nworkload: [{ to: a, rate: 1/s }]\n';
    const run = { variant: 'base', events: 1, memoryEstimateMb: 1, warmupS: 0, services: [], workloads: [] } as unknown as RunSummary;
    const ok: Outcome = { code: 0, stdout: '', stderr: '--check-invariants: 15 checks, all held (15 invariants x 1 check point in 1 run: ...)\n', outFiles: [], runs: [run], accessLog: null, file: '/t/case.yaml' };
    expect(() => checkValidScenario(ok, yaml)).not.toThrow();
    expect(() => checkValidScenario({ ...ok, stderr: '' }, yaml)).toThrow(/invariant checkers ran and held/);
    const broken = { ...ok, code: 1, stderr: 'meshsim: internal error: invariant pool-accounting broken\n' };
    expect(() => checkValidScenario(broken, yaml)).toThrow(/exit 0, or 3 at a limit/);
  });

  it('every generated valid scenario is accepted by the validator', () => {
    for (const g of fc.sample(validScenarioArb, { numRuns: 100, seed: SEED + 1 })) expect(() => parseScenario(g.yaml, 'generated.yaml')).not.toThrow();
  });

  it('the access log is counted a chunk at a time, the same wherever a chunk ends', () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshsim-fuzz-log-'));
    try {
      const file = join(dir, 'access.log');
      const lines = ['{"attempt":1}', '{"attempt":1,"in_flight_at_end":true}', '', '{"attempt":2}', '{"in_flight_at_end":true,"variant":"v"}'];
      writeFileSync(file, lines.join('\n')); // the last line without its newline
      for (const chunk of [1, 2, 7, 23, 24, 1 << 20]) expect(tallyAccessLog(file, chunk)).toEqual({ lines: 4, inFlightAtEnd: 2 });
      writeFileSync(file, '');
      expect(tallyAccessLog(file)).toEqual({ lines: 0, inFlightAtEnd: 0 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("npm run fuzz's command line", () => {
  const names = ['any corrupted scenario ends well', 'a valid scenario is accepted', 'the same input twice'];

  it('runs every property by default, or those whose name contains --property', () => {
    expect(parseFuzzArgs([], names)).toEqual({ kind: 'run', runs: DEFAULT_RUNS, seed: undefined, properties: names });
    expect(parseFuzzArgs(['--seed', '853113741', '--runs=50', '--property', 'a valid'], names)).toEqual({ kind: 'run', runs: 50, seed: 853113741, properties: ['a valid scenario is accepted'] });
    expect(parseFuzzArgs(['--property', 'scenario'], names)).toMatchObject({ properties: names.slice(0, 2) });
  });

  it('--help prints the flags, their defaults and the properties', () => {
    for (const argv of [['--help'], ['-h'], ['--runs', '5', '--help'], ['--nosuch', '--help']]) {
      const r = parseFuzzArgs(argv, names);
      expect(r.kind).toBe('help');
      const text = (r as { text: string }).text;
      for (const s of ['--runs N', `default ${DEFAULT_RUNS}`, '--seed S', '--property NAME', ...names]) expect(text).toContain(s);
    }
  });

  it('a property, flag or value it does not know is an error that says which (exit 2), not a run', () => {
    const error = (argv: string[]) => {
      const r = parseFuzzArgs(argv, names);
      expect(r.kind).toBe('error');
      return (r as { message: string }).message;
    };
    expect(error(['--property', 'nosuch'])).toMatch(/'nosuch'.*\n {2}any corrupted scenario ends well\n {2}a valid scenario is accepted\n {2}the same input twice$/s);
    expect(error(['--run', '5'])).toMatch(/unknown flag '--run'/);
    expect(error(['5'])).toMatch(/unexpected argument '5'/);
    expect(error(['--runs'])).toMatch(/--runs needs a value/);
    expect(error(['--seed', '--runs', '3'])).toMatch(/--seed needs a value/);
    for (const runs of ['0', '-3', '1.5', 'many', '']) expect(error(['--runs', runs])).toMatch(/--runs must be/);
    for (const seed of ['x', '1.5', '', '-1', '4294967296']) expect(error([`--seed=${seed}`])).toMatch(/--seed must be an integer from 0 to 4294967295/);
    expect(parseFuzzArgs(['--seed', '4294967295'], names)).toMatchObject({ kind: 'run', seed: 4294967295 });
  });

  it("a failure's replay command runs the same seed: fast-check's signed report is printed unsigned", async () => {
    // fast-check reports seed 3141592653 as 3141592653 | 0 = -1153374643, which --seed refuses.
    const result = await fc.check(fc.property(fc.integer(), (n) => n < 100), { seed: 3141592653, numRuns: 100 });
    expect(result.seed).toBe(-1153374643);
    const header = failureHeader('a valid scenario is accepted', result.seed, result.counterexamplePath, result.numShrinks, 100);
    const replay = /replay: npm run fuzz -- (.*) --property '(.*)'/.exec(header)!;
    expect(replay[2]).toBe('a valid scenario is accepted');
    expect(parseFuzzArgs([...replay[1]!.split(' '), '--property', replay[2]!], names)).toEqual({ kind: 'run', runs: 100, seed: 3141592653, properties: ['a valid scenario is accepted'] });
    expect(header).toContain('  seed 3141592653, path ');
  });
});

/** Field paths of a data value, with map keys of records and list indexes written as `*`. */
function collectPaths(v: unknown, path: string, out: Set<string>): void {
  if (Array.isArray(v)) {
    for (const x of v) collectPaths(x, `${path}.*`, out);
    return;
  }
  if (v === null || typeof v !== 'object') return;
  for (const [k, x] of Object.entries(v)) {
    // Records (services, variants, set, empirical) are keyed by user names: write them as `*`.
    const seg = RECORD_PATHS.some((r) => r === path) ? '*' : k;
    const p = path ? `${path}.${seg}` : seg;
    out.add(p);
    collectPaths(x, p, out);
  }
}

const RECORD_PATHS = [
  'services',
  'variants',
  'variants.*.set',
  'sweep.grid',
  'services.*.app.serviceTime.empirical',
  'services.*.app.startupTime.empirical',
  'services.*.sidecar.startTime.empirical',
  'mesh.sidecar.startTime.empirical',
  'mesh.controlPlane.endpointSliceDelay.empirical',
  'mesh.controlPlane.xdsLatency.empirical',
  'cluster.network.sameNode.empirical',
  'cluster.network.crossNode.empirical',
  'workload.*.thinkTime.empirical',
  'timeline.*.route.weights',
];

interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  $ref?: string;
}

/** Every field path the JSON Schema (generated from the validator's zod schema) declares. */
function schemaPaths(schema: JsonSchema, path: string): string[] {
  const out: string[] = [];
  const visit = (s: JsonSchema, p: string, depth: number) => {
    if (depth > 12) return;
    for (const alt of [...(s.anyOf ?? []), ...(s.oneOf ?? [])]) visit(alt, p, depth + 1);
    if (s.items) visit(s.items, `${p}.*`, depth + 1);
    if (typeof s.additionalProperties === 'object' && !s.properties) {
      const q = p ? `${p}.*` : '*';
      // A record of free-form values (variant overrides) has no fields of its own to cover.
      if (Object.keys(s.additionalProperties).length > 0) {
        out.push(q);
        visit(s.additionalProperties, q, depth + 1);
      }
    }
    for (const [k, x] of Object.entries(s.properties ?? {})) {
      const q = p ? `${p}.${k}` : k;
      out.push(q);
      visit(x, q, depth + 1);
    }
  };
  visit(schema, path, 0);
  return [...new Set(out)];
}
