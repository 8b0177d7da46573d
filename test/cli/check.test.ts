/**
 * `meshsim check` end to end: expectations as a regression test (exit 0 when all hold, 4 when
 * one fails, 2 for an unknown metric), and the lifecycle views of `meshsim run`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ALL_CHECKERS } from '../../sim/mesh/checkers/checkers.ts';
import { expectNoStackTrace, meshsim as runMeshsim } from '../helpers/meshsim-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'meshsim-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BASE = `name: tiny
duration: 3s
services:
  frontend: { replicas: 2, calls: [{ service: backend }] }
  backend: { replicas: 0 }
workload: [{ name: users, to: frontend, rate: 100/s }]
variants:
  with-backend: { set: { services.backend.replicas: 2 } }
`;

function file(name: string, yaml: string): string {
  const f = join(dir, name);
  writeFileSync(f, yaml);
  return f;
}

describe.concurrent('meshsim check', () => {
  it('exits 0 when every expectation holds, one PASS line per expectation and variant', async () => {
    const f = file('ok.yaml', `${BASE}expect:\n  - { metric: backend.flag.UH, variant: base, atLeast: 100 }\n  - { metric: users.successRate, variant: with-backend, atLeast: 1 }\n`);
    const r = await runMeshsim('check', f);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^PASS  .*ok\.yaml: backend\.flag\.UH \[base\] = \d+, want >= 100$/m);
    expect(r.stdout).toMatch(/^PASS  .*ok\.yaml: users\.successRate \[with-backend\] = 1, want >= 1$/m);
    expect(r.stdout.trim().split('\n').at(-1)).toBe('2 passed, 0 failed');
  });

  it('exits 4 (not 1, 2 or 3) when one fails, printing measured against wanted', async () => {
    const f = file('fail.yaml', `${BASE}expect:\n  - { metric: users.successRate, atLeast: 0.5 }\n`);
    const r = await runMeshsim('check', f);
    expect(r.code).toBe(4);
    expect(r.stdout).toMatch(/^FAIL  .*fail\.yaml: users\.successRate \[base\] = 0, want >= 0\.5$/m);
    expect(r.stdout).toMatch(/^PASS  .*fail\.yaml: users\.successRate \[with-backend\] = 1, want >= 0\.5$/m);
    expect(r.stdout.trim().split('\n').at(-1)).toBe('1 passed, 1 failed');
    expectNoStackTrace(r);
  });

  it('--seeds N checks the mean over seeds', async () => {
    const f = file('seeds.yaml', `${BASE}expect:\n  - { metric: users.requests, variant: base, atLeast: 100 }\n`);
    const r = await runMeshsim('check', f, '--seeds', '3');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/users\.requests \[base\] = [\d.]+ \(mean of 3 seeds\), want >= 100/);
  });

  it('an unknown metric is bad input: exit 2 with file, line and path, nothing run', async () => {
    const f = file('typo.yaml', `${BASE}expect:\n  - { metric: users.sucessRate, atLeast: 0.5 }\n`);
    const r = await runMeshsim('check', f);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("typo.yaml:10:15: expect.0.metric: unknown figure 'sucessRate' of workload users (did you mean 'successRate'?)");
    expect(r.stdout).toBe('');
    expectNoStackTrace(r);
  });

  it('run prints the expectations too, and --json carries them', async () => {
    const f = file('run.yaml', `${BASE}expect:\n  - { metric: backend.flag.UH, variant: base, atLeast: 100 }\n`);
    const table = await runMeshsim('run', f);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^expectations:\n {2}PASS {2}backend\.flag\.UH \[base\]/m);
    const json = await runMeshsim('run', f, '--json');
    expect(JSON.parse(json.stdout).expectations).toEqual([
      expect.objectContaining({ metric: 'backend.flag.UH', variant: 'base', pass: true, atLeast: 100, atMost: null }),
    ]);
  });
});

describe.concurrent('meshsim run: lifecycle views', () => {
  it('--proxy-status T prints every proxy with SYNCED/STALE like istioctl proxy-status', async () => {
    const f = file('ps.yaml', `${BASE}timeline: [{ at: 1s, scale: { service: backend, replicas: 3 } }]\n`);
    const r = await runMeshsim('run', f, '--proxy-status', '500ms', '--no-variants');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^proxy-status at 0\.5s \(base\): istiod version 0; 3 SYNCED, 0 STALE, 0 NOT SENT; 0 behind$/m);
    expect(r.stdout).toMatch(/^frontend-0 +frontend +SYNCED +0 +0\.000s +-$/m);
  });

  it('--proxy-status with a bare number is bad input', async () => {
    const r = await runMeshsim('run', file('ps2.yaml', BASE), '--proxy-status', '5');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--proxy-status takes a time with a unit, like 31s or 1500ms (got '5')");
  });

  it('--check-invariants runs the checkers and changes nothing', async () => {
    const f = file('inv.yaml', `${BASE}timeline: [{ at: 1s, scale: { service: backend, replicas: 3 } }]\n`);
    const [plain, checked] = await Promise.all([runMeshsim('run', f, '--json'), runMeshsim('run', f, '--json', '--check-invariants')]);
    expect(checked.code).toBe(0);
    const digests = (s: string) => (JSON.parse(s) as { runs: { digest: string }[] }).runs.map((x) => x.digest);
    expect(digests(checked.stdout)).toEqual(digests(plain.stdout));
    expect(plain.stderr).toBe('');
  });

  it('--check-invariants says how many checks ran and held: every invariant after each timeline action and at each run\'s end', async () => {
    const n = Object.keys(ALL_CHECKERS).length;
    const line = (points: number, runs: string) => `--check-invariants: ${n * points} checks, all held (${n} invariants x ${points} check points in ${runs}: after each timeline action and at each run's end)\n`;
    const one = file('inv1.yaml', `${BASE}timeline: [{ at: 1s, scale: { service: backend, replicas: 3 } }]\n`);
    const two = file('inv2.yaml', `${BASE}timeline:\n  - { at: 1s, scale: { service: backend, replicas: 3 } }\n  - { at: 2s, rate: { workload: users, rate: 50/s } }\n`);
    const [a, b, c] = await Promise.all([
      runMeshsim('run', one, '--json', '--check-invariants'),
      runMeshsim('run', two, '--json', '--check-invariants'),
      runMeshsim('run', two, '--check-invariants', '--no-variants'),
    ]);
    // base and with-backend, each 1 action + the end; then 2 actions + the end; then base alone.
    expect(a.stderr).toBe(line(4, '2 runs'));
    expect(b.stderr).toBe(line(6, '2 runs'));
    expect(c.stderr).toBe(line(3, '1 run'));
    for (const r of [a, b, c]) expect(r.code).toBe(0);
  });
});
