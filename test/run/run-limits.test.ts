import { describe, expect, it } from 'vitest';
import { RunError, runScenario } from '../../sim/run/index.ts';
import { STALL_EVENTS } from '../../sim/run/run-limits.ts';
import { scenarioFrom } from '../helpers/scenario.ts';

function stopped(yaml: string, file: string): string {
  try {
    runScenario(scenarioFrom(yaml, file));
  } catch (e) {
    expect(e).toBeInstanceOf(RunError);
    return (e as Error).message;
  }
  throw new Error('the run was not stopped');
}

describe('run-time limits', () => {
  it('a closed loop whose requests fail at once, with thinkTime 0, stops as "simulated time stopped advancing" instead of spinning', () => {
    const message = stopped(`
duration: 2s
services:
  a: { replicas: 0 }
workload: [{ to: a, clients: 3 }]
`, 'stalled.yaml');
    expect(message).toBe(
      `stalled seed=1: stopped at 0ns of 2s: simulated time stopped advancing (${STALL_EVENTS} events in a row at the same instant), so the run would never end. ` +
        'This is what a closed-loop workload with thinkTime 0 does when its requests fail at once (a service with no pods answers 503 UH instantly): give the workload a thinkTime, or the service pods',
    );
  });

  it('limits.maxMemoryMb stops a run whose requests in flight outgrow it, naming the limit, the estimate and how to raise it', () => {
    const message = stopped(`
duration: 10s
services:
  slow: { replicas: 1, app: { serviceTime: 1h, concurrency: 1 } }
workload: [{ to: slow, rate: 10000/s }]
limits: { maxMemoryMb: 8 }
`, 'mem.yaml');
    // 10,000 requests/s that never finish, each holding two rows (the request and its attempt):
    // the table doubles to 65,536 rows (160 bytes each) at 32,768 in flight (3.28s); the next
    // check, at a multiple of 65,536 events, sees 10 MB.
    expect(message).toBe(
      'mem seed=1: stopped at 3.294s of 10s: the memory estimate reached 10 MB (65536 request slots, 0.2 MB of pending events), more than limits.maxMemoryMb (8); ' +
        'raise limits.maxMemoryMb (at most 1048576) if the machine has the memory, or lower the load',
    );
  });

  it('limits.maxMemoryMb counts the conntrack tables a run actually grows, beyond what validation estimated', () => {
    const yaml = `
duration: 10s
cluster: { nodes: 20, conntrack: { enabled: true, wheelSlot: 100ms } }
services:
  a: { replicas: 1000 }
workload: [{ to: a, rate: 100/s }]
timeline: [{ at: 1s, kill: { service: a, count: 1000 } }]
limits: { maxMemoryMb: 48 }
`;
    // Validation counts a table per node and per pod of the 1,000, rounded up: 1,024 tables of
    // 2,048 wheel slots (120 s / 100 ms) x 4 states x 4 bytes, 32 MB, within the 48 MB. The kill's
    // replacements are new pods with tables of their own: 2,048 tables, 64 MB, and the run stops.
    expect(scenarioFrom(yaml).limits.maxMemoryMb).toBe(48);
    expect(stopped(yaml, 'wheel.yaml')).toBe(
      'wheel seed=1: stopped at the end of the run: the memory estimate reached 67 MB (4096 request slots, 0.4 MB of pending events, 64 MB of connection pools and conntrack tables), ' +
        'more than limits.maxMemoryMb (48); raise limits.maxMemoryMb (at most 1048576) if the machine has the memory, or lower the load or the pods, or use a longer cluster.conntrack.wheelSlot',
    );
  });

  it('a run with connection tracking counts its pools and tables in its memory estimate', () => {
    const r = runScenario(scenarioFrom('duration: 2s\ncluster: { conntrack: { enabled: true } }\nservices: { a: { replicas: 50, calls: [{ service: b }] }, b: { replicas: 50 } }\nworkload: [{ to: a, rate: 2000/s }]\n'));
    const untracked = runScenario(scenarioFrom('duration: 2s\nservices: { a: { replicas: 50, calls: [{ service: b }] }, b: { replicas: 50 } }\nworkload: [{ to: a, rate: 2000/s }]\n'));
    const stateMb = r.summary.conntrack!.stateBytes / (1024 * 1024);
    expect(stateMb).toBeGreaterThan(0.3);
    expect(r.summary.memoryEstimateMb).toBeGreaterThanOrEqual(untracked.summary.memoryEstimateMb + stateMb - 0.1);
  });

  it('limits.maxInFlightRequests names itself, its value, when it was crossed and how to raise it', () => {
    const message = stopped(`
duration: 10s
services:
  slow: { replicas: 1, app: { serviceTime: 1h, concurrency: 1 } }
workload: [{ to: slow, rate: 100/s, arrival: uniform }]
limits: { maxInFlightRequests: 50 }
`, 'inflight.yaml');
    // The 51st request arrives at 510ms (one every 10ms, the first at 10ms).
    expect(message).toBe(
      'inflight seed=1: stopped at 510ms of 10s: more than limits.maxInFlightRequests (50) requests in flight at once; raise limits.maxInFlightRequests, or give the overloaded service more pods or a timeout',
    );
  });

  it('a finished run reports its memory estimate, within limits.maxMemoryMb', () => {
    const r = runScenario(scenarioFrom('duration: 1s\nservices: { a: {} }\nworkload: [{ to: a, rate: 100/s }]\n'));
    expect(r.summary.memoryEstimateMb).toBeGreaterThan(0);
    expect(r.summary.memoryEstimateMb).toBeLessThanOrEqual(2048);
  });
});
