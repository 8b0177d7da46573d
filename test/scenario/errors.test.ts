import { describe, expect, it } from 'vitest';
import { ScenarioError, formatProblems, parseScenario } from '../../sim/scenario/index.ts';

describe('problem messages', () => {
  it('each problem is one line: line breaks and control characters quoted from the file are escaped', () => {
    const text = 'duration: 10s\nservices:\n  frontend: { "repl\\nicas": 2, "a\\u001b[31m": 1 }\nworkload:\n  - { to: frontend, rate: 100/s }\n';
    let e: ScenarioError | undefined;
    try {
      parseScenario(text, 'k.yaml');
    } catch (x) {
      e = x as ScenarioError;
    }
    expect(e?.message.split('\n')).toEqual([
      "k.yaml:3:15: services.frontend.repl\\nicas: unknown key 'repl\\nicas' (did you mean 'replicas'?)",
      "k.yaml:3:32: services.frontend.a\\u001b[31m: unknown key 'a\\u001b[31m' (expected one of: replicas, app, calls, timeout, retries, route, trafficPolicy, terminationGracePeriodSeconds, sidecar, envoy, publishNotReadyAddresses)",
    ]);
  });

  it('a problem without a position names only the file', () => {
    expect(formatProblems('e.yaml', [{ path: '', line: 0, column: 0, message: 'the file is empty' }])).toBe('e.yaml: the file is empty');
  });
});
