import { describe, expect, it } from 'vitest';
import * as meshsim from '../sim/node.ts';

describe('library API: sweeps', () => {
  it('plans, shards, runs and merges a sweep through the public surface only', () => {
    const plan = meshsim.parseSweep(
      `duration: 1s\nservices:\n  api: { replicas: 2, app: { concurrency: 2 } }\nworkload: [{ to: api, rate: 100/s }]\nsweep: { seeds: 2, grid: { services.api.replicas: [1, 3] } }\n`,
      'inline.yaml',
    );
    const header = meshsim.sweepHeader(plan);
    const all = meshsim.expandSweepRuns(plan);
    const partials = [1, 2].map((index) => {
      const shard = { index, count: 2 };
      const records = meshsim.shardRuns(all, shard).map((spec) => meshsim.runRecord(spec, meshsim.runScenario(meshsim.scenarioOfRun(plan, spec), spec).summary));
      return { name: `shard ${index}`, partial: meshsim.sweepPartial(header, shard, records) };
    });
    const merged = meshsim.mergeSweepPartials(partials);
    expect(merged.header.points.map((p) => p.label)).toEqual(['services.api.replicas=1', 'services.api.replicas=3']);
    expect(merged.table.filter((r) => r.metric === 'successRate').map((r) => [r.point, r.series, r.n])).toEqual([
      [0, 'api', 2],
      [0, 'w0', 2],
      [1, 'api', 2],
      [1, 'w0', 2],
    ]);
    expect(meshsim.gridSettings([{ path: 'a', values: [1, 2] }, { path: 'b', values: ['x'] }])).toEqual([{ a: 1, b: 'x' }, { a: 2, b: 'x' }]);
  });
});
