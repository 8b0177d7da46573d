/**
 * Checks that need the whole scenario: references between parts (a call to an unknown service),
 * cycles in the call graph, times past the end of the run, and sizes beyond the explicit limits,
 * including an estimate of the run's event count so an impossible run is refused up front.
 */
import { formatDurationNs } from '../engine/index.ts';
import { GATEWAY_NAME } from '../mesh/kube/pods.ts';
import { suggest, unknownService, type RawProblem } from './issues.ts';
import { EVENTS_PER_HOP_ESTIMATE, HARD_LIMITS } from './limits.ts';
import { parseMetric } from './metric-names.ts';
import { formatMb, intervalsOf, staticMemoryEstimate, BYTES_PER_MB } from './memory-estimate.ts';
import type { CallParsed, ScenarioParsed, ServiceParsed } from './schema.ts';
import { routePeers, routeTargets } from './routes.ts';
import { checkRoutes, checkRouteShifts, noShare } from './route-checks.ts';

// Service names are looked up with Object.hasOwn, never `in`: `in` also finds Object.prototype's
// members, so `calls: [{ service: constructor }]` (a valid DNS label) passed as a known service.
export function checkSemantics(s: ScenarioParsed): RawProblem[] {
  const problems: RawProblem[] = [];
  const add = (path: PropertyKey[], message: string) => problems.push({ path, message });
  checkSizes(s, add);
  checkCalls(s, add);
  checkRoutes(s, add);
  checkWorkloads(s, add);
  checkTimeline(s, add);
  checkRouteShifts(s, add);
  checkExpectations(s, add);
  checkHealth(s, add);
  if (problems.length === 0) checkEventBudget(s, add);
  if (problems.length === 0) checkMemory(s, add);
  return problems;
}

export type Add = (path: PropertyKey[], message: string) => void;

export function callsOf(service: ServiceParsed): CallParsed[] {
  return service.calls.flatMap((step) => ('parallel' in step ? step.parallel : [step]));
}

function checkSizes(s: ScenarioParsed, add: Add): void {
  const names = Object.keys(s.services);
  if (names.length === 0) add(['services'], 'needs at least one service');
  if (names.length > HARD_LIMITS.services) add(['services'], `has ${names.length} services; the limit is ${HARD_LIMITS.services}`);
  // The ingress gateway's pod, proxy and caller name in access logs, proxy-status and summary.conntrack.pairs.
  if (Object.hasOwn(s.services, GATEWAY_NAME)) add(['services', GATEWAY_NAME], `'${GATEWAY_NAME}' is the ingress gateway's name, reserved for it: name the service otherwise`);
  if (s.duration <= 0) add(['duration'], 'must be > 0');
  if (s.duration > HARD_LIMITS.durationNs) add(['duration'], `must be at most ${formatDurationNs(HARD_LIMITS.durationNs)}`);
  if (s.metrics.interval <= 0) add(['metrics', 'interval'], 'must be > 0');
  else {
    // Workloads are series too (the recorder keeps one per service and one per workload).
    const cells = Math.ceil(s.duration / s.metrics.interval) * Math.max(1, names.length + s.workload.length);
    if (cells > HARD_LIMITS.timeSeriesCells) {
      add(
        ['metrics', 'interval'],
        `gives ${cells} time-series cells (services and workloads x intervals), more than the limit ${HARD_LIMITS.timeSeriesCells}; ` +
          'the limit is fixed: use a longer metrics.interval or a shorter duration',
      );
    }
    const nodeCells = intervalsOf(s) * s.cluster.nodes;
    if (s.cluster.conntrack.enabled && nodeCells > HARD_LIMITS.connectionSeriesCells) {
      add(
        ['metrics', 'interval'],
        `gives ${nodeCells} conntrack series cells (nodes x intervals, with cluster.conntrack.enabled), more than the limit ${HARD_LIMITS.connectionSeriesCells}; ` +
          'the limit is fixed: use a longer metrics.interval, a shorter duration or fewer nodes',
      );
    }
  }
  if (s.metrics.warmup >= s.duration && s.duration > 0) add(['metrics', 'warmup'], 'must be shorter than the duration');
  if (Object.keys(s.variants).length > HARD_LIMITS.variants) add(['variants'], `at most ${HARD_LIMITS.variants} variants`);
  checkPeakPods(s, add);
}

/**
 * Pods are counted as peakPods does. When the initial replicas are already over the limit the
 * problem is the services; otherwise it is the first scale action that takes the count over,
 * and the problem points at it (it used to point at `services`, nowhere near the cause).
 */
function checkPeakPods(s: ScenarioParsed, add: Add): void {
  const peak = new Map<string, number>(Object.entries(s.services).map(([n, svc]) => [n, svc.replicas]));
  const total = () => [...peak.values()].reduce((a, b) => a + b, 0);
  const initial = total();
  if (initial > HARD_LIMITS.pods) {
    add(['services'], `would run ${initial} pods at once; the limit is ${HARD_LIMITS.pods}`);
    return;
  }
  for (const [i, e] of s.timeline.entries()) {
    const grown = growPeak(peak, e);
    if (!grown) continue;
    const now = total();
    if (now > HARD_LIMITS.pods) {
      const path = e.scale ? ['timeline', i, 'scale', 'replicas'] : ['timeline', i, 'rollout'];
      add(path, `would run up to ${now} pods at once (counting each service at its largest size so far, twice during a rollout); the limit is ${HARD_LIMITS.pods}`);
      return;
    }
  }
}

/** Upper bound on pods alive at once: per service, the largest of its replicas and scale targets. */
export function peakPods(s: Pick<ScenarioParsed, 'services' | 'timeline'>): number {
  const peak = new Map<string, number>(Object.entries(s.services).map(([n, svc]) => [n, svc.replicas]));
  for (const e of s.timeline) growPeak(peak, e);
  let total = 0;
  for (const v of peak.values()) total += v;
  return total;
}

/**
 * Per service, the most replicas the timeline's scale actions give it: what the event estimate
 * counts for health checks and outlier sweeps. A rollout's surge is brief, so it is not counted
 * there (peakPods counts it, for memory, which must hold the surge).
 */
function scaledReplicas(s: ScenarioParsed): Map<string, number> {
  const peak = new Map<string, number>(Object.entries(s.services).map(([n, svc]) => [n, svc.replicas]));
  for (const e of s.timeline) if (e.scale) growPeak(peak, e);
  return peak;
}

/**
 * A scale action raises its service's peak to its target; a rollout runs old and new pods side
 * by side (surge, and old pods still terminating), counted as twice the service's peak.
 */
function growPeak(peak: Map<string, number>, e: ScenarioParsed['timeline'][number]): boolean {
  if (e.scale && peak.has(e.scale.service)) {
    peak.set(e.scale.service, Math.max(peak.get(e.scale.service)!, e.scale.replicas));
    return true;
  }
  if (e.rollout && peak.has(e.rollout.service)) {
    peak.set(e.rollout.service, 2 * peak.get(e.rollout.service)!);
    return true;
  }
  return false;
}

function checkCalls(s: ScenarioParsed, add: Add): void {
  for (const [name, svc] of Object.entries(s.services)) {
    svc.app.startupCalls.forEach((call, i) => {
      if (!Object.hasOwn(s.services, call.service)) add(['services', name, 'app', 'startupCalls', i, 'service'], unknownService(call.service, s));
    });
    svc.calls.forEach((step, i) => {
      const calls = 'parallel' in step ? step.parallel : [step];
      calls.forEach((call, j) => {
        const path = 'parallel' in step ? ['services', name, 'calls', i, 'parallel', j, 'service'] : ['services', name, 'calls', i, 'service'];
        if (!Object.hasOwn(s.services, call.service)) add(path, unknownService(call.service, s));
      });
    });
  }
  const cycle = findCycle(s);
  if (cycle) add(['services', cycle.start, 'calls'], `calls form a cycle: ${cycle.path.join(' -> ')}; requests would recurse forever`);
}

/**
 * A call cycle as a list of service names, first repeated at the end (a hop through a route
 * written `x (routed to y)`); undefined if the graph is a DAG.
 */
function findCycle(s: ScenarioParsed): { start: string; path: string[] } | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const labels: string[] = [];
  const visit = (name: string, label: string): { start: string; path: string[] } | undefined => {
    if (state.get(name) === 'done') return undefined;
    // The cycle starts where it closes: at `name`, whatever hop first led there.
    if (state.get(name) === 'visiting') return { start: name, path: [name, ...labels.slice(stack.indexOf(name) + 1), label] };
    state.set(name, 'visiting');
    stack.push(name);
    labels.push(label);
    const svc = s.services[name];
    for (const call of svc ? callsOf(svc) : []) {
      for (const target of routeTargets(s, call.service)) {
        const c = Object.hasOwn(s.services, target) ? visit(target, target === call.service ? target : `${call.service} (routed to ${target})`) : undefined;
        if (c) return c;
      }
    }
    stack.pop();
    labels.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const name of Object.keys(s.services)) {
    const c = visit(name, name);
    if (c) return c;
  }
  return undefined;
}

function checkWorkloads(s: ScenarioParsed, add: Add): void {
  const seen = new Set<string>();
  s.workload.forEach((w, i) => {
    if (!Object.hasOwn(s.services, w.to)) add(['workload', i, 'to'], unknownService(w.to, s));
    if (w.via === 'kube-proxy' && s.cluster.conntrack.enabled) {
      add(
        ['workload', i, 'via'],
        "clients without a sidecar (via: kube-proxy) are not modelled with cluster.conntrack.enabled: their connections would bypass Envoy's pools; use via: ingress-gateway, or turn conntrack off",
      );
    }
    if (w.name !== undefined) {
      if (seen.has(w.name)) add(['workload', i, 'name'], `duplicate workload name '${w.name}'`);
      seen.add(w.name);
    }
    if (w.start >= s.duration) add(['workload', i, 'start'], `must be before the end of the run (${formatDurationNs(s.duration)})`);
    if (w.end !== undefined && w.end <= w.start) add(['workload', i, 'end'], 'must be after start');
    if (w.end !== undefined && w.end > s.duration) add(['workload', i, 'end'], `is after the end of the run (${formatDurationNs(s.duration)})`);
    if ('rate' in w && w.rate > HARD_LIMITS.ratePerS) add(['workload', i, 'rate'], `must be at most ${HARD_LIMITS.ratePerS}/s`);
  });
}

function checkTimeline(s: ScenarioParsed, add: Add): void {
  s.timeline.forEach((e, i) => {
    if (e.at > s.duration) add(['timeline', i, 'at'], `is after the end of the run (${formatDurationNs(s.duration)})`);
    const target = e.scale ?? e.kill ?? e.rollout ?? e.degrade;
    const action = e.scale ? 'scale' : e.kill ? 'kill' : e.rollout ? 'rollout' : 'degrade';
    if (target && !Object.hasOwn(s.services, target.service)) add(['timeline', i, action, 'service'], unknownService(target.service, s));
    e.kill?.pods?.forEach((pod, j) => {
      if (!new RegExp(`^${e.kill!.service}-[0-9]+$`).test(pod)) {
        add(['timeline', i, 'kill', 'pods', j], `pods of ${e.kill!.service} are named ${e.kill!.service}-0, ${e.kill!.service}-1, ...`);
      }
    });
    if (e.rate) checkRateTarget(s, e.rate.workload, ['timeline', i, 'rate', 'workload'], add);
    if (e.rate && e.rate.rate > HARD_LIMITS.ratePerS) add(['timeline', i, 'rate', 'rate'], `must be at most ${HARD_LIMITS.ratePerS}/s`);
  });
}

function checkRateTarget(s: ScenarioParsed, name: string, path: PropertyKey[], add: Add): void {
  const w = s.workload.find((x) => x.name === name);
  if (!w) {
    const names = s.workload.map((x) => x.name).filter((n) => n !== undefined);
    const hint = names.length ? suggest(name, names) || ` (workloads: ${names.join(', ')})` : ' (give the workload a name)';
    add(path, `unknown workload '${name}'${hint}`);
  } else if (!('rate' in w)) add(path, `workload '${name}' is closed-loop; only open-loop (rate) workloads have a rate`);
}

/**
 * Open-loop traffic makes the event count predictable: rate x time x hops per request x events
 * per hop. Closed-loop traffic is bounded by its clients and left to the run-time budget.
 */
function checkEventBudget(s: ScenarioParsed, add: Add): void {
  const hops = new Map<string, number>();
  const hopsFrom = (name: string): number => {
    const known = hops.get(name);
    if (known !== undefined) return known;
    const svc = s.services[name]!;
    const h = 1 + callsOf(svc).reduce((acc, c) => acc + c.probability * hopsTo(c.service), 0);
    hops.set(name, h);
    return h;
  };
  // A routed call lands on one destination; any of them, as the weights may shift.
  const hopsTo = (name: string): number => Math.max(...routeTargets(s, name).map(hopsFrom));
  let total = 0;
  let worstPath: PropertyKey[] | undefined;
  let worstEvents = 0;
  s.workload.forEach((w, i) => {
    if (!('rate' in w)) return;
    // kube-proxy may also pick the routed service's own pods.
    const hops = w.via === 'kube-proxy' ? Math.max(hopsFrom(w.to), hopsTo(w.to)) : hopsTo(w.to);
    const events = openLoopRequests(s, w) * hops * EVENTS_PER_HOP_ESTIMATE;
    total += events;
    if (events > worstEvents) [worstPath, worstEvents] = [highestRatePath(s, w, i), events];
  });
  const peak = scaledReplicas(s);
  const hc = healthCheckEvents(s, peak);
  const od = outlierSweepEvents(s, peak);
  total += hc.total + od.total;
  if (total > s.limits.maxEvents && od.worst !== undefined && od.worstEvents > Math.max(worstEvents, hc.worstEvents)) {
    add(
      od.path!,
      `this scenario needs about ${total.toExponential(2)} events, more than limits.maxEvents (${s.limits.maxEvents.toExponential(2)}), ` +
        `most of them outlier detection's sweeps of ${od.worst} (every calling proxy sweeps its hosts every interval, traffic or not); ` +
        `use a longer interval, or raise limits.maxEvents (at most ${HARD_LIMITS.maxEvents.toExponential(0)})`,
    );
    return;
  }
  if (total > s.limits.maxEvents && hc.worst !== undefined && hc.worstEvents > worstEvents) {
    add(
      ['services', hc.worst, 'envoy', 'healthCheck', 'interval'],
      `this scenario needs about ${total.toExponential(2)} events, more than limits.maxEvents (${s.limits.maxEvents.toExponential(2)}), ` +
        `most of them active health checks of ${hc.worst} (every calling pod checks each of its hosts every interval); ` +
        `use a longer interval, or raise limits.maxEvents (at most ${HARD_LIMITS.maxEvents.toExponential(0)})`,
    );
    return;
  }
  if (total > s.limits.maxEvents && worstPath) {
    add(
      worstPath,
      `this scenario needs about ${total.toExponential(2)} events, more than limits.maxEvents (${s.limits.maxEvents.toExponential(2)}); ` +
        `lower the rate or duration, or raise limits.maxEvents (at most ${HARD_LIMITS.maxEvents.toExponential(0)})`,
    );
  }
}

/** Outlier detection comes from the DestinationRule or from Envoy's own fields, not both. */
function checkHealth(s: ScenarioParsed, add: Add): void {
  for (const [name, svc] of Object.entries(s.services)) {
    if (svc.trafficPolicy.outlierDetection && svc.envoy.outlierDetection) {
      add(['services', name, 'envoy', 'outlierDetection'], 'outlier detection is set twice: give it as trafficPolicy.outlierDetection (Istio\'s names) or envoy.outlierDetection (Envoy\'s), not both');
    }
  }
}

/**
 * Active HC: every pod that calls a service checks each of its hosts, two events per check
 * (host-health.ts), at least once per interval.
 */
function healthCheckEvents(s: ScenarioParsed, peak: Map<string, number>): { total: number; worst: string | undefined; worstEvents: number } {
  let total = 0;
  let worst: string | undefined;
  let worstEvents = 0;
  for (const [name, svc] of Object.entries(s.services)) {
    const hc = svc.envoy.healthCheck;
    if (!hc) continue;
    // Envoy clamps every interval to at least 1 ms (envoy.md §2.4).
    const shortest = Math.max(1e6, Math.min(hc.interval, hc.unhealthyInterval ?? hc.interval, hc.healthyEdgeInterval ?? hc.interval, hc.unhealthyEdgeInterval ?? hc.interval));
    const events = 2 * callingPods(s, name, peak) * peak.get(name)! * (s.duration / shortest);
    total += events;
    if (events > worstEvents) [worst, worstEvents] = [name, events];
  }
  return { total, worst, worstEvents };
}

/**
 * Outlier detection: each calling proxy's cluster of the service sweeps its hosts once per
 * interval, with traffic or without (Envoy's interval timer, onIntervalTimer, envoy.md §3.2), as
 * host-health.ts schedules it: one event per sweep.
 */
function outlierSweepEvents(s: ScenarioParsed, peak: Map<string, number>): { total: number; worst: string | undefined; worstEvents: number; path?: PropertyKey[] } {
  let total = 0;
  let worst: { name: string; events: number; path: PropertyKey[] } | undefined;
  for (const [name, svc] of Object.entries(s.services)) {
    const od = svc.trafficPolicy.outlierDetection ?? svc.envoy.outlierDetection;
    if (!od) continue;
    const events = callingPods(s, name, peak) * (s.duration / od.interval);
    total += events;
    const path = ['services', name, ...(svc.trafficPolicy.outlierDetection ? ['trafficPolicy'] : ['envoy']), 'outlierDetection', 'interval'];
    if (events > (worst?.events ?? 0)) worst = { name, events, path };
  }
  return { total, worst: worst?.name, worstEvents: worst?.events ?? 0, ...(worst && { path: worst.path }) };
}

/**
 * Pods whose proxies call `service` (the ingress gateway counts as one), each holding a cluster
 * of it, at the most replicas the callers are scaled to.
 */
function callingPods(s: ScenarioParsed, service: string, peak: Map<string, number>): number {
  const reaches = (to: string) => to === service || routeTargets(s, to).includes(service);
  let callers = s.workload.some((w) => w.via !== 'kube-proxy' && reaches(w.to)) ? 1 : 0;
  for (const [name, other] of Object.entries(s.services)) {
    if (callsOf(other).some((c) => reaches(c.service)) || other.app.startupCalls.some((c) => reaches(c.service))) callers += peak.get(name)!;
  }
  return callers;
}

/** Where workload `i`'s highest rate is set: its own `rate`, or a timeline `rate:` action that raises it. */
function highestRatePath(s: ScenarioParsed, w: ScenarioParsed['workload'][number] & { rate: number }, i: number): PropertyKey[] {
  let path: PropertyKey[] = ['workload', i, 'rate'];
  let highest = w.rate;
  s.timeline.forEach((e, j) => {
    if (e.rate && e.rate.workload === w.name && e.rate.rate > highest) [path, highest] = [['timeline', j, 'rate', 'rate'], e.rate.rate];
  });
  return path;
}

/** Requests an open-loop workload sends over its window, its rate changed by the timeline's `rate:` actions. */
function openLoopRequests(s: ScenarioParsed, w: ScenarioParsed['workload'][number] & { rate: number }): number {
  const endNs = w.end ?? s.duration;
  const changes = s.timeline.filter((e) => e.rate && e.rate.workload === w.name).sort((a, b) => a.at - b.at);
  let requests = 0;
  let rate = w.rate;
  let fromNs = w.start;
  for (const e of changes) {
    const atNs = Math.min(Math.max(e.at, w.start), endNs);
    requests += (rate * (atNs - fromNs)) / 1e9;
    [rate, fromNs] = [e.rate!.rate, atNs];
  }
  return requests + (rate * (endNs - fromNs)) / 1e9;
}

/** Each expectation names a real figure, real variants, and a window inside the run. */
function checkExpectations(s: ScenarioParsed, add: Add): void {
  const services = Object.keys(s.services);
  const workloads = s.workload.map((w, i) => w.name ?? `w${i}`);
  const variants = ['base', ...Object.keys(s.variants)];
  s.expect.forEach((e, i) => {
    const windowed = e.from !== undefined || e.to !== undefined;
    const ref = parseMetric(e.metric, services, workloads, windowed);
    if (typeof ref === 'string') add(['expect', i, 'metric'], ref);
    const named = e.variant === undefined ? [] : typeof e.variant === 'string' ? [e.variant] : e.variant;
    // For the base here; for variants, checkVariantShares once they are validated.
    if (typeof ref !== 'string' && ref.target === 'series' && ref.figure === 'share' && (named.length === 0 || named.includes('base')) && !routePeers(s, ref.series)) {
      add(['expect', i, 'metric'], noShare(ref.series, 'base'));
    }
    named.forEach((v, j) => {
      if (!variants.includes(v)) {
        const path = typeof e.variant === 'string' ? ['expect', i, 'variant'] : ['expect', i, 'variant', j];
        add(path, `unknown variant '${v}'${suggest(v, variants) || ` (variants: ${variants.join(', ')})`}`);
      }
    });
    if (e.atLeast !== undefined && e.atMost !== undefined && e.atLeast > e.atMost) add(['expect', i, 'atMost'], 'must be >= atLeast');
    if (e.from !== undefined && e.from >= s.duration) add(['expect', i, 'from'], `must be before the end of the run (${formatDurationNs(s.duration)})`);
    if (e.to !== undefined && e.to > s.duration) add(['expect', i, 'to'], `is after the end of the run (${formatDurationNs(s.duration)})`);
    if (e.from !== undefined && e.to !== undefined && e.to <= e.from) add(['expect', i, 'to'], 'must be after from');
  });
}

/**
 * The memory a run needs before its first request (time series, histograms, pods), against
 * limits.maxMemoryMb. What grows during the run is checked as it runs (sim/run).
 */
function checkMemory(s: ScenarioParsed, add: Add): void {
  const m = staticMemoryEstimate(s, peakPods(s));
  if (m.totalBytes <= s.limits.maxMemoryMb * BYTES_PER_MB) return;
  add(
    ['limits', 'maxMemoryMb'],
    `this scenario needs about ${formatMb(m.totalBytes)} before it starts (time series ${formatMb(m.timeSeriesBytes)}, ` +
      (m.expiryWheelBytes > 0 ? `conntrack series ${formatMb(m.connectionSeriesBytes)}, conntrack expiry wheel ${formatMb(m.expiryWheelBytes)}, ` : '') +
      `histograms ${formatMb(m.histogramBytes)}, pods ${formatMb(m.podBytes)}${m.routedClusterBytes > 0 ? `, routes' clusters in their callers ${formatMb(m.routedClusterBytes)}` : ''}), ` +
      `more than limits.maxMemoryMb (${s.limits.maxMemoryMb}); use a longer metrics.interval${m.expiryWheelBytes > 0 ? ' or cluster.conntrack.wheelSlot' : ''} or fewer pods, or raise limits.maxMemoryMb if the machine has the memory`,
  );
}
