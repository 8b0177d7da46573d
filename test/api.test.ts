import { describe, expect, it } from 'vitest';
import * as meshsim from '../sim/node.ts';

describe('library API', () => {
  it('loads, runs and merges through the public surface only', () => {
    const scenario = meshsim.loadScenarioFile(new URL('../scenarios/quickstart.yaml', import.meta.url).pathname);
    const short = meshsim.parseScenario(
      `duration: 2s\nservices:\n  api: { replicas: 2 }\nworkload: [{ to: api, rate: 50/s }]\n`,
      'inline.yaml',
    );
    const runs = meshsim.expandRuns(short, 2).map((spec) => meshsim.runScenario(short, spec));
    const merged = meshsim.mergeReplications(runs.map((r) => r.summary));
    expect(merged.services[0]!.name).toBe('api');
    expect(merged.seeds).toEqual([1, 2]);
    expect(scenario.variants.map((v) => v.name)).toEqual(['more-catalog-pods']);
    expect(() => meshsim.parseScenario('duration: 1s', 'x.yaml')).toThrow(meshsim.ScenarioError);
  });

  it("exposes Envoy's priority-load function for direct use", () => {
    const load = meshsim.computePriorityLoad([
      { hosts: 4, healthy: 2, degraded: 0, excluded: 0 },
      { hosts: 4, healthy: 2, degraded: 0, excluded: 0 },
    ]);
    // envoy.md §10 OPF-1: 4/2 and 4/2 with overprovisioning 140 -> 70, 30.
    expect(load.healthy).toEqual([70, 30]);
    expect(load.panic).toEqual([false, false]);
  });
});
