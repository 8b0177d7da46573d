/**
 * `meshsim sweep` and `meshsim merge` end to end: files written, the printed table, shards
 * merged into byte-identical results whatever the worker count, and bad input (exit 2).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bin, meshsim, runProcess, type CliResult } from '../helpers/meshsim-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'meshsim-sweep-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = join(dir, 'tiny.yaml');
writeFileSync(
  file,
  `name: tiny
seed: 3
duration: 1s
services:
  frontend: { replicas: 2, timeout: 50ms, calls: [{ service: backend }] }
  backend: { replicas: 1, app: { serviceTime: { exponential: { mean: 4ms } }, concurrency: 2 } }
workload: [{ name: users, to: frontend, rate: 300/s }]
variants:
  wider: { set: { services.backend.replicas: 3 } }
sweep:
  seeds: 2
  grid:
    services.backend.app.concurrency: [1, 4]
`,
);

function ok(r: CliResult): CliResult {
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.code, r.stderr).toBe(0);
  return r;
}

const read = (d: string, name: string) => readFileSync(join(d, name), 'utf8');

describe('meshsim sweep', () => {
  let whole: string;
  beforeAll(async () => {
    whole = join(dir, 'whole');
    ok(await meshsim('sweep', file, '--set', 'workload.0.rate=200/s,400/s', '--workers', '2', '--out', whole));
  });

  it('writes sweep.json and the tidy sweep.csv: a column per swept path, a row per point x variant x series x metric', () => {
    const csv = read(whole, 'sweep.csv').trimEnd().split('\n');
    expect(csv[0]).toBe('point,services.backend.app.concurrency,workload.0.rate,variant,series,kind,metric,n,mean,ci95_low,ci95_high');
    expect(csv).toHaveLength(1 + 4 * 2 * 3 * 8);
    expect(csv[1]).toMatch(/^0,1,200\/s,base,frontend,service,requests,2,\d+(\.\d+)?,[-\d.e]+,[-\d.e]+$/);
    const doc = JSON.parse(read(whole, 'sweep.json'));
    expect(doc.kind).toBe('meshsim-sweep');
    expect(doc.header.points.map((p: { label: string }) => p.label)).toEqual([
      'services.backend.app.concurrency=1 workload.0.rate=200/s',
      'services.backend.app.concurrency=1 workload.0.rate=400/s',
      'services.backend.app.concurrency=4 workload.0.rate=200/s',
      'services.backend.app.concurrency=4 workload.0.rate=400/s',
    ]);
    expect(doc.runs).toHaveLength(16);
    expect(doc.digest).toMatch(/^[0-9a-f]{16}$/);
  });

  it('prints one row per point x variant x series with mean ±CI, and the digest', async () => {
    const r = ok(await meshsim('sweep', file, '--workers', '1'));
    expect(r.stdout).toContain('meshsim sweep · tiny · 2 grid points x 2 variants · 2 seeds (3..4), mean ±95% CI');
    expect(r.stdout).toMatch(/^services\.backend\.app\.concurrency\s+variant\s+workload\s+req\/s\s+success\s+p50\s+p99\s+p99\.9$/m);
    expect(r.stdout).toMatch(/^4\s+wider\s+users\s+\d+ ±[\d.]+\s+[\d.]+% ±(0|[\d.]+%)\s/m);
    expect(r.stdout).toMatch(/^8 runs \(2 points x 2 variants x 2 seeds\) · [\d,]+ events · digest [0-9a-f]{16} · [\d.]+s wall, 1 worker thread$/m);
  });

  it('logs progress lines (runs done, ETA) to a stderr that is not a terminal, outside CI: a batch job\'s log', async () => {
    const r = ok(await runProcess(process.execPath, [bin, 'sweep', file, '--workers', '1'], { CI: '' }));
    const lines = r.stderr.trimEnd().split('\n');
    // 8 runs: every finished run crosses a tenth.
    expect(lines.map((l) => l.replace(/ · ETA \d+s$/, ''))).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((k) => `meshsim: ${k}/8 runs done (${Math.round((k / 8) * 100)}%)`));
  });

  it('shards 1/3, 2/3, 3/3 merged give byte-identical files to the unsharded sweep, whatever the workers', async () => {
    const parts = [1, 2, 3].map((i) => join(dir, `part-${i}`));
    const shards = await Promise.all(parts.map((d, i) => meshsim('sweep', file, '--set', 'workload.0.rate=200/s,400/s', '--shard', `${i + 1}/3`, '--workers', '1', '--out', d)));
    shards.forEach(ok);
    expect(shards[1]!.stdout).toMatch(/^meshsim sweep · tiny · shard 2\/3: 5 of 16 runs · /);
    expect(readdirSync(parts[2]!)).toEqual(['shard-3-of-3.json']);
    const merged = join(dir, 'merged');
    const r = ok(await meshsim('merge', parts[2]!, parts[0]!, join(parts[1]!, 'shard-2-of-3.json'), '--out', merged));
    expect(read(merged, 'sweep.json')).toBe(read(whole, 'sweep.json'));
    expect(read(merged, 'sweep.csv')).toBe(read(whole, 'sweep.csv'));
    expect(r.stdout).toContain(`digest ${JSON.parse(read(whole, 'sweep.json')).digest}`);
  });

  it('refuses a merge with a shard missing, naming it (exit 2)', async () => {
    const part = join(dir, 'lonely');
    ok(await meshsim('sweep', file, '--shard', '1/2', '--out', part));
    const r = await meshsim('merge', part);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('meshsim: 4 of 8 runs are missing (shard 2/2 is missing)\n');
  });

  it.each([
    [['--shard', '1/3'], 'meshsim: --shard needs --out DIR: the directory its partial result is written to\n'],
    [['--shard', '4/3', '--out', 'x'], 'meshsim: --shard 4/3: expected i/n with 1 <= i <= n <= 100000 (e.g. --shard 2/3); shards are numbered from 1\n'],
    [['--shard', '1/3', '--out', 'x', '--report', 'r.html'], 'meshsim: --report shows the whole sweep: give it to meshsim merge once every shard is done\n'],
    [['--set', 'services.backend.replicas'], 'meshsim: --set services.backend.replicas: expected path=value1,value2,... (e.g. --set services.catalog.replicas=3,5,8)\n'],
    [['--set', 'services.backend.replicas=1,-2'], `${file}: --set services.backend.replicas=-2: must be >= 0\n1 problem in ${file}; nothing was run.\n`],
  ])('bad arguments %j exit 2 with a message and nothing run', async (args, message) => {
    const r = await meshsim('sweep', file, ...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(message);
    expect(r.stdout).toBe('');
  });

  it('a --set path no point can take is reported once, not once per grid point and value (exit 2)', async () => {
    const unknownKey = "unknown key 'nosuch' (expected one of: name, description, seed, duration, metrics, cluster, mesh, services, workload, timeline, variants, sweep, limits, expect)";
    const r = await meshsim('sweep', file, '--set', 'nosuch.path=1,2');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`${file}: --set nosuch.path=1,2: at all 4 grid points: nosuch: ${unknownKey}\n1 problem in ${file}; nothing was run.\n`);
    // A misspelt last key is a problem with the path itself: once, with the values it was tried with.
    const typo = await meshsim('sweep', file, '--set', 'services.backend.replicaz=1,2');
    expect(typo.code).toBe(2);
    expect(typo.stderr).toBe(`${file}: --set services.backend.replicaz=1,2: unknown key 'replicaz' (did you mean 'replicas'?)\n1 problem in ${file}; nothing was run.\n`);
    // The same in the file's own sweep block, as validate reports it.
    const bad = join(dir, 'bad-grid-path.yaml');
    writeFileSync(bad, readFileSync(file, 'utf8').replace('[1, 4]', '[1, 4]\n    nosuch.x: [1, 2]'));
    const v = await meshsim('validate', bad);
    expect(v.code).toBe(2);
    expect(v.stderr).toBe(`${bad}:14:15: sweep.grid.nosuch.x: at all 4 grid points: nosuch: ${unknownKey}\n1 problem in ${bad}; nothing was run.\n`);
  });

  it('a CI that is zero up to rounding prints as ±0, and counts of one are singular', async () => {
    // Every request times out at exactly 3.3ms whatever the seed: the seeds agree exactly.
    const same = join(dir, 'same.yaml');
    writeFileSync(same, 'name: same\nduration: 2s\nservices:\n  a: { replicas: 1, timeout: 3.3ms, app: { serviceTime: 1h } }\nworkload: [{ name: users, to: a, rate: 10/s, arrival: uniform }]\nsweep: { seeds: 3 }\n');
    const r = ok(await meshsim('sweep', same, '--workers', '1'));
    expect(r.stdout).toMatch(/^base\s+users\s+9\.5 ±0\s+0\.00% ±0\s+3\.3ms ±0\s+3\.3ms ±0\s+3\.3ms ±0$/m);
    expect(r.stdout).not.toMatch(/\de-\d/);
    expect(r.stdout).toMatch(/^3 runs \(1 point x 1 variant x 3 seeds\) · /m);
  });

  it('a bad value in the sweep block is reported at its line by validate, run and sweep alike', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, readFileSync(file, 'utf8').replace('[1, 4]', '[1, four]'));
    const message = `${bad}:13:43: sweep.grid.services.backend.app.concurrency.1: must be a number (got "four")`;
    for (const cmd of ['validate', 'run', 'sweep']) {
      const r = await meshsim(cmd, bad);
      expect(r.code).toBe(2);
      expect(r.stderr.split('\n')[0]).toBe(message);
    }
  });

  it('meshsim run on a file with a sweep block runs the scenario as written, and says so', async () => {
    const r = ok(await meshsim('run', file, '--json'));
    expect(r.stderr).toBe(`note: ${file} has a sweep: block; this runs the scenario as written (meshsim sweep runs the grid)\n`);
    expect(JSON.parse(r.stdout).runs.map((x: { variant: string; seed: number }) => `${x.variant}/${x.seed}`)).toEqual(['base/3', 'wider/3']);
  });

  it('merge refuses a file that is not a partial result, or a damaged one (exit 2)', async () => {
    const r = await meshsim('merge', file);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`meshsim: cannot read ${file}: not JSON\n`);
    const part = join(dir, 'damaged');
    ok(await meshsim('sweep', file, '--shard', '1/1', '--out', part));
    const doc = JSON.parse(read(part, 'shard-1-of-1.json'));
    delete doc.runs[2].summary;
    const damaged = join(part, 'shard-1-of-1.json');
    writeFileSync(damaged, JSON.stringify(doc));
    const m = await meshsim('merge', part);
    expect(m.code).toBe(2);
    expect(m.stderr).toBe(`meshsim: ${damaged}: runs.2 is not a run record (index, point, variant, seed, summary); the file is damaged\n`);
  });
});
