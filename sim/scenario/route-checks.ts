/**
 * The scenario's routes checked against the whole scenario (kubernetes-istio.md §6): destinations
 * that exist, each in one route; subsets reached only through their route; weight shifts that
 * leave a weight above 0; `share` expectations that name a route's member in every variant.
 */
import { parseMetric } from './metric-names.ts';
import { suggest, unknownService, type RawProblem } from './issues.ts';
import { routePeers } from './routes.ts';
import { Retries } from './schema-retries.ts';
import type { ScenarioParsed } from './schema.ts';
import type { Add } from './semantics.ts';

/**
 * A route's destinations are services, each listed once, each the destination of one route at
 * most (so its share of its route is one figure), with weights that do not all go to zero.
 */
export function checkRoutes(s: ScenarioParsed, add: Add): void {
  const routeOf = new Map<string, string>();
  for (const [name, svc] of Object.entries(s.services)) {
    if (!svc.route) continue;
    const seen = new Set<string>();
    svc.route.forEach((d, i) => {
      const path = ['services', name, 'route', i, 'destination'];
      if (!Object.hasOwn(s.services, d.destination)) return add(path, unknownService(d.destination, s));
      if (seen.has(d.destination)) return add(path, `'${d.destination}' is listed twice in this route`);
      seen.add(d.destination);
      const other = routeOf.get(d.destination);
      if (other !== undefined) return add(path, `'${d.destination}' is a destination of ${other}'s route already; a service takes part in one route at most`);
      routeOf.set(d.destination, name);
    });
    // Envoy refuses a weighted cluster whose weights sum to 0 (weighted_cluster_specifier.cc); a
    // lone destination takes every request whatever its weight (kubernetes-istio.md §6).
    if (svc.route.length > 1 && svc.route.every((d) => d.weight === 0)) add(['services', name, 'route'], 'the weights sum to 0: at least one destination needs a weight above 0');
  }
  checkSubsets(s, routeOf, add);
}

const DEFAULT_RETRIES = JSON.stringify(Retries.parse({}));

/**
 * A destination other than the routed service itself stands for a subset of it (a DestinationRule
 * subset, kubernetes-istio.md §6): requests reach it only through the route, under the route's
 * VirtualService (its timeout and retries). So nothing calls it by name, and it has no route,
 * timeout or retries of its own; its DestinationRule (trafficPolicy, envoy) is its own.
 */
function checkSubsets(s: ScenarioParsed, routeOf: Map<string, string>, add: Add): void {
  const ownerOf = (name: string) => {
    const owner = routeOf.get(name);
    return owner !== undefined && owner !== name ? owner : undefined;
  };
  const direct = (name: string, path: PropertyKey[]) => {
    const owner = ownerOf(name);
    if (owner !== undefined) add(path, `'${name}' is a destination of ${owner}'s route (a subset of ${owner}): call ${owner}, whose route picks it`);
  };
  for (const [name, svc] of Object.entries(s.services)) {
    svc.app.startupCalls.forEach((c, i) => direct(c.service, ['services', name, 'app', 'startupCalls', i, 'service']));
    svc.calls.forEach((step, i) => {
      if ('parallel' in step) step.parallel.forEach((c, j) => direct(c.service, ['services', name, 'calls', i, 'parallel', j, 'service']));
      else direct(step.service, ['services', name, 'calls', i, 'service']);
    });
    const owner = ownerOf(name);
    if (owner === undefined) continue;
    const subset = `${name} is a destination of ${owner}'s route (a subset of ${owner})`;
    if (svc.route) add(['services', name, 'route'], `${subset}, so it has no route of its own`);
    if (svc.timeout !== 0) add(['services', name, 'timeout'], `${subset}: its requests take that route's timeout; set services.${owner}.timeout instead`);
    if (JSON.stringify(svc.retries) !== DEFAULT_RETRIES) add(['services', name, 'retries'], `${subset}: its requests take that route's retries; set services.${owner}.retries instead`);
  }
  s.workload.forEach((w, i) => direct(w.to, ['workload', i, 'to']));
}

/**
 * Each `route:` action names a routed service and some of its destinations, and leaves a weight
 * above 0. Destinations it does not name keep the weights the actions before it set, so they are
 * followed in the order the run applies them (time, then file order).
 */
export function checkRouteShifts(s: ScenarioParsed, add: Add): void {
  const current = new Map<string, Map<string, number>>();
  const shifts = s.timeline.flatMap((e, i) => (e.route ? [{ at: e.at, i, shift: e.route }] : [])).sort((a, b) => a.at - b.at || a.i - b.i);
  for (const { i, shift } of shifts) {
    const path = ['timeline', i, 'route'];
    if (!Object.hasOwn(s.services, shift.service)) {
      add([...path, 'service'], unknownService(shift.service, s));
      continue;
    }
    const route = s.services[shift.service]!.route;
    if (!route) {
      add([...path, 'service'], `service ${shift.service} has no route to shift: give it services.${shift.service}.route first`);
      continue;
    }
    const destinations = route.map((d) => d.destination);
    const unknown = Object.keys(shift.weights).filter((name) => !destinations.includes(name));
    for (const name of unknown) add([...path, 'weights', name], `'${name}' is not a destination of ${shift.service}'s route${suggest(name, destinations) || ` (destinations: ${destinations.join(', ')})`}`);
    if (unknown.length > 0) continue;
    const weights = current.get(shift.service) ?? new Map(route.map((d) => [d.destination, d.weight]));
    for (const [name, w] of Object.entries(shift.weights)) weights.set(name, w);
    current.set(shift.service, weights);
    if (weights.size > 1 && [...weights.values()].every((w) => w === 0)) add([...path, 'weights'], 'the weights would sum to 0 from here on: at least one destination needs a weight above 0');
  }
}

export function noShare(series: string, variant: string): string {
  const where = variant === 'base' ? '' : ` in variant '${variant}'`;
  return `${series} is neither routed nor a route's destination${where}, so it has no share: give a service's route (services.X.route) a destination ${series}`;
}

/** A `share` expectation names a route's member in every variant it applies to (the base: checkExpectations). */
export function checkVariantShares(s: ScenarioParsed, variants: readonly { name: string; scenario: Pick<ScenarioParsed, 'services'> }[]): RawProblem[] {
  const problems: RawProblem[] = [];
  const services = Object.keys(s.services);
  const workloads = s.workload.map((w, i) => w.name ?? `w${i}`);
  s.expect.forEach((e, i) => {
    const ref = parseMetric(e.metric, services, workloads, e.from !== undefined || e.to !== undefined);
    if (typeof ref === 'string' || ref.target !== 'series' || ref.figure !== 'share') return;
    const named = e.variant === undefined ? undefined : typeof e.variant === 'string' ? [e.variant] : e.variant;
    for (const v of variants) {
      if (named && !named.includes(v.name)) continue;
      if (!routePeers(v.scenario, ref.series)) problems.push({ path: ['expect', i, 'metric'], message: noShare(ref.series, v.name) });
    }
  });
  return problems;
}
