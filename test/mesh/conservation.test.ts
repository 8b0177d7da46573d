import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../sim/run/index.ts';
import { scenarioFrom } from '../helpers/scenario.ts';

/** A random small mesh: a DAG call graph, timeouts, probabilities, kills and scaling. */
const meshYaml = fc
  .record({
    services: fc.array(
      fc.record({
        replicas: fc.integer({ min: 0, max: 3 }),
        serviceMs: fc.integer({ min: 0, max: 40 }),
        exponential: fc.boolean(),
        concurrency: fc.integer({ min: 1, max: 4 }),
        timeoutMs: fc.constantFrom(0, 0, 20, 80),
        calls: fc.array(fc.record({ to: fc.nat(), p: fc.constantFrom(1, 0.5), required: fc.boolean(), parallel: fc.boolean(), appTries: fc.constantFrom(1, 1, 2, 3), appTimeoutMs: fc.constantFrom(0, 15, 60) }), { maxLength: 3 }),
        retries: fc.integer({ min: 0, max: 3 }),
        retryOn: fc.constantFrom('5xx', 'reset', 'gateway-error,connect-failure', 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes'),
        perTryMs: fc.constantFrom(0, 0, 10, 30),
        maxRetries: fc.constantFrom(0, 1, 3),
        maxRequests: fc.constantFrom(0, 0, 2, 8),
        maxConnections: fc.constantFrom(0, 0, 1, 4),
        deadlines: fc.boolean(),
        errorRate: fc.constantFrom(0, 0, 0.3, 1),
      }),
      { minLength: 1, maxLength: 5 },
    ),
    rate: fc.integer({ min: 10, max: 300 }),
    clients: fc.integer({ min: 0, max: 6 }),
    intervalMs: fc.constantFrom(100, 250, 1000),
    events: fc.array(
      fc.record({ atMs: fc.integer({ min: 0, max: 1900 }), kind: fc.constantFrom('kill', 'scale'), service: fc.nat(), n: fc.integer({ min: 0, max: 4 }) }),
      { maxLength: 4 },
    ),
    seed: fc.nat({ max: 1000 }),
  })
  .map((m) => {
    const n = m.services.length;
    const name = (i: number) => `s${i}`;
    const services = m.services.map((s, i) => {
      // Calls go only to later services, so the graph has no cycles.
      const calls = i === n - 1 ? [] : s.calls.map((c) => ({ ...c, to: i + 1 + (c.to % (n - 1 - i)) }));
      const steps = calls.map((c) => {
        const client = c.appTries > 1 ? `, client: { attempts: ${c.appTries}, timeout: ${c.appTimeoutMs}ms, backoff: { base: 2ms, jitter: true } }` : '';
        const call = `{ service: ${name(c.to)}, probability: ${c.p}, required: ${c.required}${client} }`;
        return c.parallel ? `{ parallel: [${call}] }` : call;
      });
      const st = s.exponential ? `{ exponential: { mean: ${s.serviceMs}ms } }` : `${s.serviceMs}ms`;
      const pool = [
        s.maxConnections ? `tcp: { maxConnections: ${s.maxConnections} }` : '',
        `http: { http1MaxPendingRequests: 3${s.maxRequests ? `, http2MaxRequests: ${s.maxRequests}` : ''}${s.maxRetries ? `, maxRetries: ${s.maxRetries}` : ''} }`,
      ].filter(Boolean).join(', ');
      const retries = `{ attempts: ${s.retries}, retryOn: "${s.retryOn}", perTryTimeout: ${s.perTryMs}ms, backoff: 5ms }`;
      return `  ${name(i)}: { replicas: ${s.replicas}, timeout: ${s.timeoutMs}ms, retries: ${retries}, trafficPolicy: { connectionPool: { ${pool} } }, app: { serviceTime: ${st}, concurrency: ${s.concurrency}, deadlinePropagation: ${s.deadlines} }, calls: [${steps.join(', ')}] }`;
    });
    const degrades = m.services.flatMap((s, i) => (s.errorRate > 0 ? [`  - { at: 200ms, degrade: { service: ${name(i)}, errorRate: ${s.errorRate}, serviceTimeFactor: 3, for: 800ms } }`] : []));
    const timeline = [...degrades, ...m.events.map((e) => {
      const svc = name(e.service % n);
      return e.kind === 'kill' ? `  - { at: ${e.atMs}ms, kill: { service: ${svc}, count: ${Math.max(1, e.n)} } }` : `  - { at: ${e.atMs}ms, scale: { service: ${svc}, replicas: ${e.n} } }`;
    })];
    const workload = [`  - { to: s0, rate: ${m.rate}/s, end: 1500ms }`];
    if (m.clients > 0) workload.push(`  - { to: s0, clients: ${m.clients}, thinkTime: 5ms, end: 1500ms }`);
    return `seed: ${m.seed}
duration: 3s
metrics: { interval: ${m.intervalMs}ms }
services:
${services.join('\n')}
workload:
${workload.join('\n')}
timeline:
${timeline.length ? timeline.join('\n') : '  []'}
`.replace('timeline:\n  []', 'timeline: []');
  });

describe('request conservation', () => {
  it('at every interval, requests started = ended (by outcome) + in flight, for every service and workload, with retries at every layer', () => {
    fc.assert(
      fc.property(meshYaml, (yaml) => {
        // The checkers also assert every attempt row is accounted for (attemptsAccountedFor).
        const log: { requestId: number; attempt: number }[] = [];
        const result = runScenario(scenarioFrom(yaml), { checkInvariants: true, accessLog: (r) => log.push(r) });
        // Every attempt ends once and every request ends once: one line per retry plus one per request.
        const retries = result.summary.services.reduce((n, s) => n + s.retries, 0);
        const started = result.summary.services.reduce((n, s) => n + s.startedTotal, 0);
        expect(log.length).toBe(started + retries);
        expect(new Set(log.map((l) => l.requestId)).size).toBe(started);
        const ts = result.timeSeries;
        const codeCols = Object.values(ts.codes);
        ts.series.forEach((series, s) => {
          let started = 0;
          let ended = 0;
          for (let i = 0; i < ts.intervals; i++) {
            const cell = s * ts.intervals + i;
            started += ts.columns.started[cell]!;
            ended += ts.columns.ended[cell]!;
            // "by outcome": the per-code counts partition the ended requests.
            expect(codeCols.reduce((a, col) => a + col[cell]!, 0)).toBe(ts.columns.ended[cell]);
            expect(ts.columns.inFlight[cell]!).toBeGreaterThanOrEqual(0);
            expect(started, `${series.name} interval ${i}`).toBe(ended + ts.columns.inFlight[cell]!);
          }
        });
        // Over the whole run: every request started has ended exactly once or is still in flight
        // (an overloaded service without a timeout may still hold work at the end).
        for (const s of [...result.summary.services, ...result.summary.workloads]) {
          expect(s.requests + s.inFlightAtEnd, s.name).toBe(s.startedTotal);
        }
      }),
      { numRuns: 60 },
    );
  });
});
