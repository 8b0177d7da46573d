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

/**
 * A route for service `i`: weighted destinations among itself and later services, so a routed
 * call still goes down the DAG. Weights may be 0, but never all of them.
 */
const routeArb = (names: string[], i: number) =>
  fc
    .subarray(names.slice(i), { minLength: 1, maxLength: Math.min(3, names.length - i) })
    .chain((destinations) => fc.tuple(...destinations.map(() => fc.constantFrom(0, 1, 10, 90))).map((weights) => destinations.map((destination, j) => ({ destination, weight: weights[j]! }))))
    .map((route) => (route.every((d) => d.weight === 0) ? [{ ...route[0]!, weight: 1 }, ...route.slice(1)] : route));

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
      route: routeArb(names, i),
    },
    { requiredKeys: [] },
  ).map(oneOutlierDetection);
}

/**
 * The route rules of semantics.ts: a service is the destination of one route at most (later
 * routes lose destinations already taken), and a destination other than the routed service is a
 * subset of it, so it has no route of its own (routes come before their destinations, so such a
 * route is dropped).
 */
function oneRoutePerDestination(services: Record<string, Record<string, unknown>>): Record<string, Record<string, unknown>> {
  const taken = new Set<string>();
  return Object.fromEntries(
    Object.entries(services).map(([name, svc]) => {
      const route = svc['route'] as { destination: string; weight: number }[] | undefined;
      if (!route) return [name, svc];
      const { route: _, ...rest } = svc;
      if (taken.has(name)) return [name, rest];
      const kept = route.filter((d) => !taken.has(d.destination));
      if (kept.length === 0) return [name, rest];
      for (const d of kept) taken.add(d.destination);
      return [name, { ...rest, route: kept.every((d) => d.weight === 0) ? [{ ...kept[0]!, weight: 1 }, ...kept.slice(1)] : kept }];
    }),
  );
}

/** The routed service of each subset (a destination other than the routed service itself). */
export function subsetOwners(services: Record<string, Record<string, unknown>>): Map<string, string> {
  const owners = new Map<string, string>();
  for (const [name, svc] of Object.entries(services)) {
    for (const d of (svc['route'] as { destination: string }[] | undefined) ?? []) if (d.destination !== name) owners.set(d.destination, name);
  }
  return owners;
}

/**
 * Nothing calls a subset by name (semantics.ts): a call to one goes to its routed service when
 * that keeps the call graph a DAG (the routed service comes after the caller), else the subset
 * leaves the route; startup calls (no cycle possible) go to the routed service. A subset has no
 * timeout or retries of its own.
 */
function subsetsOnlyThroughRoutes(names: string[], input: Record<string, Record<string, unknown>>): Record<string, Record<string, unknown>> {
  const services = structuredClone(input);
  const owners = subsetOwners(services);
  const leave = new Set<string>();
  type Call = { service: string };
  names.forEach((name, j) => {
    const steps = (services[name]!['calls'] as (Call | { parallel: Call[] })[] | undefined) ?? [];
    for (const c of steps.flatMap((step) => ('parallel' in step ? step.parallel : [step]))) {
      const owner = owners.get(c.service);
      if (owner === undefined) continue;
      if (names.indexOf(owner) > j) c.service = owner;
      else leave.add(c.service);
    }
  });
  for (const svc of Object.values(services)) {
    const route = svc['route'] as { destination: string; weight: number }[] | undefined;
    if (!route) continue;
    const kept = route.filter((d) => !leave.has(d.destination));
    if (kept.length === 0) delete svc['route'];
    else svc['route'] = kept.every((d) => d.weight === 0) ? [{ ...kept[0]!, weight: 1 }, ...kept.slice(1)] : kept;
  }
  const subsets = subsetOwners(services);
  for (const [name, svc] of Object.entries(services)) {
    const app = svc['app'] as { startupCalls?: Call[] } | undefined;
    for (const c of app?.startupCalls ?? []) c.service = subsets.get(c.service) ?? c.service;
    if (subsets.has(name)) {
      delete svc['timeout'];
      delete svc['retries'];
    }
  }
  return services;
}

/** Each routed service's destinations, for timeline route shifts and variants. */
export function routesOf(part: ServicesPart): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(part.services).flatMap(([name, svc]) => {
      const route = svc['route'] as { destination: string }[] | undefined;
      return route ? [[name, route.map((d) => d.destination)]] : [];
    }),
  );
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
  .chain((names) =>
    fc
      .tuple(...names.map((_, i) => serviceArb(names, i)))
      .map((bodies) => ({ names, services: subsetsOnlyThroughRoutes(names, oneRoutePerDestination(Object.fromEntries(names.map((n, i) => [n, bodies[i]!])))) })),
  );
