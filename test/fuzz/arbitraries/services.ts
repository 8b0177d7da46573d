/**
 * `services:` (schema.ts Service): replicas, app, calls, timeout and traffic policy, with a call
 * graph that is always a DAG (service i calls only services after it), so every generated
 * scenario is valid. Calls may be single or parallel steps, optional and probabilistic.
 */
import fc from 'fast-check';
import { distributionArb } from './distribution.ts';
import { serviceNameArb } from './names.ts';
import { sidecarArb } from './mesh.ts';
import { durationArb } from './units.ts';
import { envoyClusterArb, istioOutlierArb } from './health.ts';

export interface ServicesPart {
  names: string[];
  services: Record<string, Record<string, unknown>>;
}

const probeArb = fc.record(
  {
    initialDelaySeconds: fc.integer({ min: 0, max: 2 }),
    periodSeconds: fc.integer({ min: 1, max: 3 }),
    successThreshold: fc.integer({ min: 1, max: 2 }),
    failureThreshold: fc.integer({ min: 1, max: 3 }),
  },
  { requiredKeys: [] },
);

/** The app of a service whose startup calls may go to `targets` (any service: startup calls make no cycle). */
const appArb = (targets: string[]) =>
  fc.record(
    {
      serviceTime: distributionArb(30_000_000),
      concurrency: fc.integer({ min: 1, max: 8 }),
      startupTime: distributionArb(500_000_000),
      startupCalls: fc.array(fc.record({ service: fc.constantFrom(...targets), required: fc.boolean() }, { requiredKeys: ['service'] }), { maxLength: 1 }),
      readinessProbe: fc.oneof(probeArb, fc.constant(false)),
      preStop: fc.record({ sleep: durationArb(300_000_000).map((d) => d.text) }),
      shutdownDelay: durationArb(300_000_000).map((d) => d.text),
      deadlinePropagation: fc.boolean(),
      requestTimeout: durationArb(200_000_000).map((d) => d.text),
    },
    { requiredKeys: [] },
  );

const threshold = fc.integer({ min: 1, max: 4 });

const trafficPolicyArb = fc.record(
  {
    loadBalancer: fc.record({ simple: fc.constantFrom('ROUND_ROBIN', 'LEAST_REQUEST', 'RANDOM') }, { requiredKeys: [] }),
    connectionPool: fc.record(
      {
        tcp: fc.record({ maxConnections: threshold, connectTimeout: durationArb(20_000_000_000).map((x) => x.text) }, { requiredKeys: [] }),
        http: fc.record(
          {
            http1MaxPendingRequests: threshold,
            http2MaxRequests: threshold,
            maxRetries: threshold,
            idleTimeout: durationArb(5_000_000_000).map((x) => x.text),
            maxRequestsPerConnection: fc.constantFrom(0, 1, 3),
            h2UpgradePolicy: fc.constantFrom('DO_NOT_UPGRADE', 'UPGRADE'),
          },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: [] },
    ),
    retryBudget: fc.record({ percent: fc.constantFrom(0, 20, 50.5), minRetryConcurrency: fc.integer({ min: 0, max: 3 }) }, { requiredKeys: [] }),
    outlierDetection: istioOutlierArb,
  },
  { requiredKeys: [] },
);

/** VirtualService retries: every retryOn token the model can produce, and numeric codes. */
const retriesArb = fc.record(
  {
    attempts: fc.integer({ min: 0, max: 3 }),
    perTryTimeout: durationArb(100_000_000).map((d) => d.text),
    retryOn: fc.constantFrom('5xx', 'gateway-error,connect-failure', 'reset', 'reset-before-request,refused-stream', '503,retriable-4xx', 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes'),
    retryRemoteLocalities: fc.boolean(),
    backoff: fc.constantFrom('1ms', '25ms', '100ms'),
  },
  { requiredKeys: [] },
);

const appClientArb = fc.record(
  {
    attempts: fc.integer({ min: 1, max: 3 }),
    timeout: durationArb(100_000_000).map((d) => d.text),
    backoff: fc.oneof(
      fc.constantFrom('0s', '5ms'),
      fc.record({ base: fc.constantFrom('1ms', '10ms'), max: fc.constantFrom('10ms', '50ms'), jitter: fc.boolean() }, { requiredKeys: ['base'] }),
    ),
  },
  { requiredKeys: [] },
);

const callArb = (to: fc.Arbitrary<string>) =>
  fc.record({ service: to, probability: fc.constantFrom(0, 0.5, 1), required: fc.boolean(), client: appClientArb }, { requiredKeys: ['service'] });

/** The body of service `i` of `names`: its calls go only to later services. */
function serviceArb(names: string[], i: number): fc.Arbitrary<Record<string, unknown>> {
  const later = names.slice(i + 1);
  const step = later.length === 0 ? fc.constant(undefined) : fc.oneof(callArb(fc.constantFrom(...later)), fc.array(callArb(fc.constantFrom(...later)), { minLength: 1, maxLength: 2 }).map((parallel) => ({ parallel })));
  return fc.record(
    {
      replicas: fc.integer({ min: 0, max: 4 }),
      app: appArb(names),
      calls: later.length === 0 ? fc.constant([]) : fc.array(step, { maxLength: 2 }),
      timeout: durationArb(200_000_000).map((d) => d.text),
      retries: retriesArb,
      trafficPolicy: trafficPolicyArb,
      terminationGracePeriodSeconds: fc.integer({ min: 0, max: 2 }),
      sidecar: sidecarArb,
      envoy: envoyClusterArb,
      publishNotReadyAddresses: fc.boolean(),
    },
    { requiredKeys: [] },
  ).map(oneOutlierDetection);
}

/** The schema takes outlier detection from the DestinationRule or from envoy, not both. */
function oneOutlierDetection(svc: Record<string, unknown>): Record<string, unknown> {
  const tp = svc['trafficPolicy'] as Record<string, unknown> | undefined;
  const envoy = svc['envoy'] as Record<string, unknown> | undefined;
  if (!tp?.['outlierDetection'] || !envoy?.['outlierDetection']) return svc;
  const { outlierDetection: _, ...rest } = envoy;
  return { ...svc, envoy: rest };
}

export const servicesArb: fc.Arbitrary<ServicesPart> = fc
  .uniqueArray(serviceNameArb, { minLength: 1, maxLength: 5 })
  .chain((names) => fc.tuple(...names.map((_, i) => serviceArb(names, i))).map((bodies) => ({ names, services: Object.fromEntries(names.map((n, i) => [n, bodies[i]!])) })));
