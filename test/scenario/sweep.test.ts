import { describe, expect, it } from 'vitest';
import { parseScenario, parseSweep, ScenarioError, type Workload } from '../../sim/scenario/index.ts';

const YAML = `name: grid
seed: 5
duration: 2s
services:
  frontend: { replicas: 2, calls: [{ service: backend }] }
  backend: { replicas: 2, app: { concurrency: 4 } }
workload: [{ name: users, to: frontend, rate: 100/s }]
variants:
  big: { set: { services.frontend.replicas: 6 } }
sweep:
  seeds: 4
  grid:
    services.backend.app.concurrency: [2, 8]
    workload.0.rate: [100/s, 300/s, 500/s]
`;

const rateOf = (w: Workload) => ('rate' in w ? w.rate : undefined);

function problemsOf(f: () => unknown): string[] {
  try {
    f();
  } catch (e) {
    if (e instanceof ScenarioError) return e.message.split('\n');
    throw e;
  }
  throw new Error('expected a ScenarioError');
}

describe('sweep grids', () => {
  it('expand every combination in grid order, the first path varying slowest', () => {
    const plan = parseSweep(YAML, 'grid.yaml');
    expect(plan.seeds).toBe(4);
    expect(plan.points.map((p) => p.label)).toEqual([
      'services.backend.app.concurrency=2 workload.0.rate=100/s',
      'services.backend.app.concurrency=2 workload.0.rate=300/s',
      'services.backend.app.concurrency=2 workload.0.rate=500/s',
      'services.backend.app.concurrency=8 workload.0.rate=100/s',
      'services.backend.app.concurrency=8 workload.0.rate=300/s',
      'services.backend.app.concurrency=8 workload.0.rate=500/s',
    ]);
    expect(plan.points.map((p) => p.index)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('each point is the scenario with its values set, and each variant is applied on top of the point', () => {
    const p = parseSweep(YAML, 'grid.yaml').points[4]!;
    expect(p.scenario.services.backend!.app.concurrency).toBe(8);
    expect(rateOf(p.scenario.workload[0]!)).toBe(300);
    expect(p.scenario.name).toBe('grid');
    const big = p.scenario.variants.find((v) => v.name === 'big')!.scenario;
    expect([big.services.frontend!.replicas, big.services.backend!.app.concurrency, rateOf(big.workload[0]!)]).toEqual([6, 8, 300]);
  });

  it('--set replaces a path of the file and adds new ones after it; --seeds replaces sweep.seeds', () => {
    const plan = parseSweep(YAML, 'grid.yaml', { grid: [{ path: 'workload.0.rate', values: ['50/s'] }, { path: 'services.frontend.replicas', values: [1, 3] }], seeds: 2 });
    expect(plan.axes.map((a) => [a.path, a.values, a.from])).toEqual([
      ['services.backend.app.concurrency', [2, 8], 'file'],
      ['workload.0.rate', ['50/s'], 'cli'],
      ['services.frontend.replicas', [1, 3], 'cli'],
    ]);
    expect(plan.points).toHaveLength(4);
    expect(plan.seeds).toBe(2);
  });

  it('a scenario without a sweep block is one point with no settings', () => {
    const plan = parseSweep(YAML.slice(0, YAML.indexOf('sweep:')), 'grid.yaml');
    expect(plan.points.map((p) => [p.label, p.settings])).toEqual([['(base)', {}]]);
    expect(plan.seeds).toBe(1);
  });

  it('parseScenario validates the grid but keeps only the declared block', () => {
    const s = parseScenario(YAML, 'grid.yaml');
    expect(s.sweep).toEqual({ seeds: 4, grid: { 'services.backend.app.concurrency': [2, 8], 'workload.0.rate': ['100/s', '300/s', '500/s'] } });
    expect(s.services.backend!.app.concurrency).toBe(4);
  });

  it('a bad grid value points at its own line, once, however many points it is in', () => {
    const bad = YAML.replace('[100/s, 300/s, 500/s]', '[100/s, fast, 500/s]');
    expect(problemsOf(() => parseScenario(bad, 'grid.yaml'))).toEqual(['grid.yaml:14:30: sweep.grid.workload.0.rate.1: must be a rate like 2000/s, 50/ms or 120/min']);
  });

  it('a value that breaks the scenario elsewhere, or only with a variant, says at which point', () => {
    const bad = YAML.replace('[2, 8]', '[2, 0]');
    expect(problemsOf(() => parseSweep(bad, 'grid.yaml'))).toEqual(['grid.yaml:13:43: sweep.grid.services.backend.app.concurrency.1: must be >= 1']);
    const viaVariant = YAML.replace('services.frontend.replicas: 6', 'services.frontend.replicas: 20001');
    expect(problemsOf(() => parseSweep(viaVariant, 'grid.yaml'))[0]).toMatch(/^grid\.yaml:9:\d+: variants\.big\.set\.services\.frontend\.replicas: must be <= 20000$/);
  });

  it('a bad value from --set names the option (it has no line)', () => {
    expect(problemsOf(() => parseSweep(YAML, 'grid.yaml', { grid: [{ path: 'services.backend.replicas', values: [1, -1] }] }))).toEqual([
      'grid.yaml: --set services.backend.replicas=-1: must be >= 0',
    ]);
    expect(problemsOf(() => parseSweep(YAML, 'grid.yaml', { grid: [{ path: 'workload.3.rate', values: ['1/s'] }] }))).toEqual([
      'grid.yaml: --set workload.3.rate=1/s: cannot set workload.3: index 3 is past the end of the list',
    ]);
  });

  it('refuses grids beyond the limits before validating any point', () => {
    const values = Array.from({ length: 101 }, (_, i) => i + 1);
    const overrides = { grid: [{ path: 'services.frontend.replicas', values }, { path: 'services.backend.replicas', values }] };
    expect(problemsOf(() => parseSweep(YAML, 'grid.yaml', overrides))).toEqual(['grid.yaml:10:1: sweep: the grid has 61206 points; the limit is 10000']);
  });
});
