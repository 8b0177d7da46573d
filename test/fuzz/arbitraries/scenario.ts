/**
 * Valid scenarios, composed from one arbitrary per part of the schema (services, workload,
 * timeline, variants, metrics, limits, cluster), each in its own file: a new scenario field
 * gets its own arbitrary and one line here. Every scenario this yields must be accepted by the
 * validator (a property checks it), and each runs in milliseconds, a few seconds at most
 * (limits.maxEvents bounds every run's events, closed loops included).
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { EVENTS_PER_HOP_ESTIMATE } from '../../../sim/scenario/limits.ts';
import { parseDurationNs } from '../../../sim/scenario/units.ts';
import { clusterArb } from './cluster.ts';
import { expectArb } from './expect.ts';
import { meshArb } from './mesh.ts';
import { limitsArb, metricsArb } from './limits.ts';
import { routesOf, servicesArb, subsetOwners, type ServicesPart } from './services.ts';
import { timelineArb } from './timeline.ts';
import { durationArb, paceArb } from './units.ts';
import { variantsArb } from './variants.ts';
import { workloadArb } from './workload.ts';

export interface GeneratedScenario {
  /** The scenario as data (YAML-ready). */
  data: Record<string, unknown>;
  /** The same, as YAML text in one of several styles. */
  yaml: string;
}

/**
 * Above the validator's estimate of active HC events (2 x calling pods x hosts x checks), with
 * intervals of 200ms or more (health.ts).
 */
function healthCheckBound(services: { services: Record<string, Record<string, unknown>> }, durationNs: number): number {
  const checked = Object.values(services.services).filter((s) => (s['envoy'] as Record<string, unknown> | undefined)?.['healthCheck'] !== undefined).length;
  return checked * 2 * MAX_CALLING_PODS * MAX_PEAK_REPLICAS * (durationNs / 200_000_000);
}

/**
 * The most replicas the validator's event estimate counts for a generated service: up to 4
 * (services.ts, variants.ts), scaled to up to 5 by the timeline (timeline.ts).
 */
const MAX_PEAK_REPLICAS = 5;
/** Calling pods of one service: 5 services at their peak, and the ingress gateway. */
const MAX_CALLING_PODS = 5 * MAX_PEAK_REPLICAS + 1;

/**
 * Above the validator's estimate of outlier detection's sweeps (semantics.ts): every calling
 * proxy sweeps each interval (Envoy's 10 s when none is given), traffic or not.
 */
function outlierSweepBound(services: { services: Record<string, Record<string, unknown>> }, durationNs: number): number {
  let events = 0;
  for (const svc of Object.values(services.services)) {
    const od = ((svc['trafficPolicy'] as Record<string, unknown> | undefined)?.['outlierDetection'] ?? (svc['envoy'] as Record<string, unknown> | undefined)?.['outlierDetection']) as
      | { interval?: string }
      | undefined;
    if (od === undefined) continue;
    events += MAX_CALLING_PODS * (durationNs / (od.interval === undefined ? 10_000_000_000 : parseDurationNs(od.interval)!));
  }
  return events;
}

export const validScenarioArb: fc.Arbitrary<GeneratedScenario> = fc
  .record({ pace: paceArb, services: servicesArb, seed: fc.option(fc.nat({ max: 1_000_000 }), { nil: undefined }) })
  .chain(({ pace, ...rest }) => durationArb(pace.maxDurationNs, pace.minDurationNs).map((duration) => ({ pace, duration, ...rest })))
  .chain(({ pace, duration, services, seed }) =>
    workloadArb(services.names, duration.value, pace).chain((w) => {
      const openIndexes = w.workload.flatMap((x, i) => ('rate' in x ? [i] : []));
      // Each closed-loop client is budgeted like an open loop at the highest rate generated.
      const clients = w.workload.reduce((a, x) => a + (typeof x['clients'] === 'number' ? x['clients'] : 0), 0);
      const senders = openIndexes.length + clients;
      const minEvents = senders * pace.maxRatePerS * (duration.value / 1e9) * maxHops(services) * EVENTS_PER_HOP_ESTIMATE + healthCheckBound(services, duration.value) + outlierSweepBound(services, duration.value);
      // Closed loops are bounded only by limits.maxEvents (semantics.ts), whose default of 2e9
      // lets one with a nanosecond think time and timeout run for a long time: a 10ns mean think
      // time against a 20ns route timeout made 7.4M events and an 824 MB access log in 55ms of
      // simulated time. So their scenarios always set it (limits.ts).
      const closedLoop = clients > 0;
      return fc
        .record(
          {
            name: fc.stringMatching(/^[A-Za-z][-_.A-Za-z0-9]{0,12}$/),
            description: fc.string({ maxLength: 30 }),
            seed: fc.constant(seed),
            metrics: metricsArb(duration.value),
            cluster: clusterArb,
            mesh: meshArb,
            expect: expectArb(services.names, duration.value, Object.values(routesOf(services)).flat()),
            sweep: fc.record({ seeds: fc.integer({ min: 1, max: 2 }), grid: fc.constant({ [`services.${services.names[0]}.replicas`]: [1, 2] }) }, { requiredKeys: [] }),
            timeline: timelineArb(services.names, w.openLoop, duration.value, pace.maxRatePerS, routesOf(services)),
            variants: variantsArb(services.names, openIndexes, pace.maxRatePerS, Object.keys(routesOf(services)), [...subsetOwners(services.services).keys()]),
            limits: limitsArb(minEvents, closedLoop),
          },
          { requiredKeys: closedLoop ? ['limits'] : [] },
        )
        .chain((optional) => {
          // Clients without a sidecar are refused with connection tracking on (semantics.ts).
          const conntrack = (optional.cluster as { conntrack?: { enabled?: boolean } } | undefined)?.conntrack?.enabled === true;
          // Nothing sends to a route's subset by name (semantics.ts): its routed service does.
          const owners = subsetOwners(services.services);
          const workload = w.workload.map(({ via, ...rest }) => ({
            ...rest,
            to: owners.get(rest['to'] as string) ?? rest['to'],
            ...(via !== undefined && !conntrack && { via }),
          }));
          const data: Record<string, unknown> = { ...optional, duration: duration.text, services: services.services, workload };
          if (data.seed === undefined) delete data.seed;
          return yamlStyleArb.map((style) => ({ data, yaml: style(data) }));
        });
    }),
  );

/** Requests one ingress request can cause, with every call made (probability taken as 1), a routed call at its costliest destination. */
function maxHops(part: ServicesPart): number {
  const memo = new Map<string, number>();
  const routes = routesOf(part);
  const hopsTo = (name: string): number => Math.max(...(Object.hasOwn(routes, name) ? routes[name]! : [name]).map(hops));
  const hops = (name: string): number => {
    if (memo.has(name)) return memo.get(name)!;
    const calls = (part.services[name]!.calls as ({ service: string } | { parallel: { service: string }[] })[] | undefined) ?? [];
    const h = 1 + calls.flatMap((c) => ('parallel' in c ? c.parallel : [c])).reduce((a, c) => a + hopsTo(c.service), 0);
    memo.set(name, h);
    return h;
  };
  return Math.max(...part.names.map(hops));
}

/** Block style, flow style, and block with keys in a different order: the same scenario each time. */
const yamlStyleArb: fc.Arbitrary<(data: Record<string, unknown>) => string> = fc.constantFrom(
  (d) => stringify(d),
  (d) => stringify(d, { collectionStyle: 'flow' }),
  (d) => stringify(Object.fromEntries(Object.entries(d).reverse()), { indent: 4 }),
);
