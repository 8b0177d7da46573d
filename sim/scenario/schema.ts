/**
 * The scenario format, defined once: these zod schemas validate input, apply defaults, convert
 * units, and generate the JSON Schema that `meshsim schema` prints. Field names follow Istio and
 * Envoy where they exist. Defaults come from ../shared/reference/ and say where.
 */
import { z } from 'zod';
import type { DistributionSpec } from '../engine/index.ts';
import { DURATION_HINT, DURATION_PATTERN, RATE_HINT, RATE_PATTERN, parseDurationNs, parseRatePerS } from './units.ts';
import { HARD_LIMITS } from './limits.ts';

// ---------- units ----------

export const Duration = z
  .string({ error: DURATION_HINT })
  .regex(new RegExp(DURATION_PATTERN), { error: DURATION_HINT })
  .transform((s) => parseDurationNs(s)!)
  .meta({ description: 'A duration with a unit: 250ms, 2s, 1m30s (ns, us, ms, s, m, h).' });

export const Rate = z
  .string({ error: RATE_HINT })
  .regex(new RegExp(RATE_PATTERN), { error: RATE_HINT })
  .transform((s) => parseRatePerS(s)!)
  .meta({ description: 'A rate: 2000/s, 50/ms, 120/min.' });

const PERCENTILE_KEY = /^p(100|[0-9]{1,2}(\.[0-9]+)?)$/;

const DistributionForms = z
  .strictObject({
    constant: Duration.optional(),
    uniform: z.strictObject({ min: Duration, max: Duration }).optional(),
    exponential: z.strictObject({ mean: Duration }).optional(),
    lognormal: z
      .strictObject({ median: Duration, p99: Duration })
      .optional()
      .meta({ description: 'Lognormal given its median and 99th percentile.' }),
    empirical: z
      .record(z.string().regex(PERCENTILE_KEY, { error: 'percentile keys look like p0, p50, p99.9, p100' }), Duration)
      .optional()
      .meta({ description: 'Percentile table, e.g. {p0: 1ms, p50: 5ms, p99: 40ms, p100: 90ms}; linear in between.' }),
  })
  .superRefine(checkDistribution);

/** A duration distribution: a plain duration (constant) or exactly one named form. */
export const Distribution = z
  // The union's own message is what a value neither form accepts gets (a bare number, a list):
  // without it, `serviceTime: 5` was "does not match any allowed form", saying nothing of units.
  .union([Duration, DistributionForms], { error: `${DURATION_HINT}, or one of {constant}, {uniform}, {exponential}, {lognormal}, {empirical}` })
  .transform(toDistributionSpec)
  .meta({
    description:
      'A duration distribution: a plain duration (constant), or one of {constant}, {uniform: {min, max}}, ' +
      '{exponential: {mean}}, {lognormal: {median, p99}}, {empirical: {p0, ..., p100}}.',
  });

type DistributionInput = number | z.output<typeof DistributionForms>;

function checkDistribution(d: z.output<typeof DistributionForms>, ctx: z.RefinementCtx): void {
  const forms = Object.keys(d).filter((k) => d[k as keyof typeof d] !== undefined);
  if (forms.length !== 1) {
    ctx.addIssue({ code: 'custom', message: `needs exactly one of constant, uniform, exponential, lognormal, empirical (got ${forms.length === 0 ? 'none' : forms.join(', ')})` });
    return;
  }
  if (d.uniform && d.uniform.max < d.uniform.min) ctx.addIssue({ code: 'custom', path: ['uniform', 'max'], message: 'must be >= min' });
  if (d.lognormal && d.lognormal.median <= 0) ctx.addIssue({ code: 'custom', path: ['lognormal', 'median'], message: 'must be > 0' });
  if (d.lognormal && d.lognormal.p99 < d.lognormal.median) ctx.addIssue({ code: 'custom', path: ['lognormal', 'p99'], message: 'must be >= median' });
  if (d.empirical) checkEmpirical(d.empirical, ctx);
}

function checkEmpirical(table: Record<string, number>, ctx: z.RefinementCtx): void {
  const points = empiricalPoints(table);
  if (points[0]?.[0] !== 0 || points[points.length - 1]?.[0] !== 100) {
    ctx.addIssue({ code: 'custom', path: ['empirical'], message: 'needs p0 and p100 (the smallest and largest values)' });
  }
  for (let i = 1; i < points.length; i++) {
    if (points[i]![1] < points[i - 1]![1]) {
      ctx.addIssue({ code: 'custom', path: ['empirical', `p${points[i]![0]}`], message: `must be >= p${points[i - 1]![0]}` });
    }
  }
}

/** Sorted by numeric percentile: never rely on object-key order of numeric-like strings. */
function empiricalPoints(table: Record<string, number>): [number, number][] {
  return Object.entries(table)
    .map(([k, v]): [number, number] => [Number(k.slice(1)), v])
    .sort((x, y) => x[0] - y[0]);
}

function toDistributionSpec(d: DistributionInput): DistributionSpec {
  if (typeof d === 'number') return { kind: 'constant', value: d };
  if (d.constant !== undefined) return { kind: 'constant', value: d.constant };
  if (d.uniform) return { kind: 'uniform', min: d.uniform.min, max: d.uniform.max };
  if (d.exponential) return { kind: 'exponential', mean: d.exponential.mean };
  if (d.lognormal) return { kind: 'lognormal', median: d.lognormal.median, p99: d.lognormal.p99 };
  return { kind: 'empirical', points: empiricalPoints(d.empirical!) };
}

// ---------- names ----------

/** Kubernetes object names for services are DNS-1035 labels. */
const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
export const ServiceName = z
  .string({ error: 'must be a service name' })
  .max(63, { error: 'service names are at most 63 characters (a DNS label)' })
  .regex(DNS_LABEL, { error: 'service names are DNS labels: lowercase letters, digits and -, starting with a letter' });

// Names start with a letter: JS objects order integer-like keys first, and YAML order must win.
const Name = z.string().min(1).max(63).regex(/^[A-Za-z][-_.A-Za-z0-9]*$/, { error: 'names start with a letter and use letters, digits, -, _ and .' });

// ---------- cluster ----------

const Network = z
  .strictObject({
    sameNode: Distribution.prefault('25us').meta({ description: 'One-way pod-to-pod latency on one node. Default 25us (a modelling choice, not from the reference).' }),
    crossNode: Distribution.prefault('250us').meta({ description: 'One-way pod-to-pod latency across nodes. Default 250us (a modelling choice, not from the reference).' }),
  })
  .meta({ description: 'Pod network latency, sampled per message.' });

const Cluster = z.strictObject({
  nodes: z.int().min(1).max(HARD_LIMITS.nodes).default(3).meta({ description: 'Worker nodes; pods are spread over them.' }),
  network: Network.prefault({}),
});

// ---------- services ----------

const App = z.strictObject({
  serviceTime: Distribution.prefault('1ms').meta({ description: 'Time the app works on one request, before its downstream calls.' }),
  concurrency: z.int().min(1).max(100_000).default(32).meta({
    description: 'Requests a pod works on at once (threads/workers); the rest wait in a FIFO queue. Default 32 (a modelling choice).',
  }),
  startupTime: Duration.prefault('0s').meta({ description: 'From pod creation until it is ready and published as an endpoint.' }),
});

const Call = z.strictObject({
  service: ServiceName,
  probability: z.number().min(0).max(1).default(1).meta({ description: 'Chance the call is made for a given request (default 1).' }),
  required: z.boolean().default(true).meta({ description: 'If a required call fails, the caller answers 500; optional failures are ignored.' }),
});

const ParallelCalls = z.strictObject({
  parallel: z.array(Call).min(1).max(HARD_LIMITS.callsPerStep).meta({ description: 'Calls made at once; the step ends when all have answered.' }),
});

const CallStep = z.union([Call, ParallelCalls], { error: 'a call step is {service: name} or {parallel: [calls]}' });

const LoadBalancer = z.strictObject({
  simple: z.enum(['ROUND_ROBIN', 'LEAST_REQUEST', 'RANDOM']).default('LEAST_REQUEST').meta({
    description: "Istio DestinationRule loadBalancer.simple. Default LEAST_REQUEST, Istio's default (envoy.md §4.7).",
  }),
});

const TrafficPolicy = z
  .strictObject({ loadBalancer: LoadBalancer.prefault({}) })
  .meta({ description: 'Istio DestinationRule trafficPolicy for this service.' });

const Service = z.strictObject({
  replicas: z.int().min(0).max(HARD_LIMITS.replicasPerService).default(1),
  app: App.prefault({}),
  calls: z
    .array(CallStep)
    .max(HARD_LIMITS.callSteps)
    .default([])
    .meta({ description: 'Downstream calls made after serviceTime, in order; a step may be {parallel: [...]}.' }),
  timeout: Duration.prefault('0s').meta({
    description: 'VirtualService http timeout for requests to this service (504 UT). 0s disables it: Istio default (envoy.md §4.6).',
  }),
  trafficPolicy: TrafficPolicy.prefault({}),
});

// ---------- workload ----------

const OpenLoop = z.strictObject({
  name: Name.optional(),
  to: ServiceName,
  rate: Rate,
  arrival: z.enum(['poisson', 'uniform']).default('poisson').meta({ description: 'poisson: exponential gaps; uniform: evenly spaced.' }),
  start: Duration.prefault('0s'),
  end: Duration.optional().meta({ description: 'Default: the end of the run.' }),
});

const ClosedLoop = z.strictObject({
  name: Name.optional(),
  to: ServiceName,
  clients: z.int().min(1).max(HARD_LIMITS.closedLoopClients).meta({ description: 'Clients that each send, wait for the answer, think, repeat.' }),
  thinkTime: Distribution.prefault('0s'),
  start: Duration.prefault('0s'),
  end: Duration.optional(),
});

const WORKLOAD_FORMS = 'rate (open loop, e.g. rate: 100/s) or clients (closed loop, e.g. clients: 50)';
const Workload = z.union([OpenLoop, ClosedLoop], {
  error: (iss) => {
    const w = iss.input !== null && typeof iss.input === 'object' ? (iss.input as Record<string, unknown>) : undefined;
    if (w && 'rate' in w && 'clients' in w) return `a workload has either ${WORKLOAD_FORMS}, not both`;
    return w ? `a workload needs ${WORKLOAD_FORMS}; it has neither` : `a workload is a mapping with ${WORKLOAD_FORMS}`;
  },
});

// ---------- timeline ----------

const Scale = z.strictObject({ service: ServiceName, replicas: z.int().min(0).max(HARD_LIMITS.replicasPerService) });

const Kill = z
  .strictObject({
    service: ServiceName,
    count: z.int().min(1).max(HARD_LIMITS.replicasPerService).optional().meta({ description: 'How many pods to kill, chosen at random.' }),
    pods: z.array(z.string()).min(1).max(HARD_LIMITS.replicasPerService).optional().meta({ description: 'Pods to kill by name, e.g. [backend-0].' }),
    replace: z.boolean().default(true).meta({ description: 'The Deployment replaces killed pods (default true).' }),
  })
  .refine((k) => (k.count === undefined) !== (k.pods === undefined), { error: 'give either count or pods' });

const SetRate = z.strictObject({ workload: Name, rate: Rate });

const TimelineEvent = z
  .strictObject({
    at: Duration,
    scale: Scale.optional().meta({ description: 'Scale a Deployment to a replica count.' }),
    kill: Kill.optional().meta({ description: 'Kill pods abruptly (in-flight requests are reset).' }),
    rate: SetRate.optional().meta({ description: "Change an open-loop workload's rate." }),
  })
  .refine((e) => [e.scale, e.kill, e.rate].filter((a) => a !== undefined).length === 1, {
    error: 'each timeline entry needs exactly one action: scale, kill or rate',
  });

// ---------- variants, metrics, limits ----------

const Variant = z.strictObject({
  description: z.string().optional(),
  set: z
    .record(z.string().min(1), z.unknown())
    .meta({ description: 'Overrides by dotted path, e.g. {services.backend.replicas: 40}; arrays by index: workload.0.rate.' }),
});

const Metrics = z.strictObject({
  interval: Duration.prefault('1s').meta({ description: 'Time-series bucket width.' }),
  warmup: Duration.prefault('0s').meta({ description: 'Requests that end before this are left out of the summary.' }),
});

const Limits = z
  .strictObject({
    maxEvents: z.int().min(1).max(HARD_LIMITS.maxEvents).default(2_000_000_000),
    maxInFlightRequests: z.int().min(1).max(HARD_LIMITS.maxInFlightRequests).default(5_000_000),
    maxMemoryMb: z.int().min(1).max(HARD_LIMITS.maxMemoryMb).default(2048).meta({
      description: "Memory the run may use by meshsim's estimate (time series, pods, requests in flight, pending events), in MiB.",
    }),
    maxAccessLogMb: z.int().min(1).max(HARD_LIMITS.maxAccessLogMb).default(1024).meta({ description: 'Largest access log --access-log may write, in MiB.' }),
  })
  .meta({ description: 'Run-time budgets: the run stops with a clear message when one is exceeded.' });

export const ScenarioSchema = z
  .strictObject({
    name: Name.optional().meta({ description: 'Default: the file name without extension.' }),
    description: z.string().optional(),
    seed: z.int().min(0).max(Number.MAX_SAFE_INTEGER).default(1),
    duration: Duration.meta({ description: 'Simulated time to run.' }),
    metrics: Metrics.prefault({}),
    cluster: Cluster.prefault({}),
    services: z.record(ServiceName, Service),
    workload: z.array(Workload).min(1).max(HARD_LIMITS.workloads),
    timeline: z.array(TimelineEvent).max(HARD_LIMITS.timelineEvents).default([]),
    variants: z.record(Name, Variant).default({}),
    limits: Limits.prefault({}),
  })
  .meta({ title: 'meshsim scenario' });

export type ScenarioParsed = z.output<typeof ScenarioSchema>;
export type ServiceParsed = ScenarioParsed['services'][string];
export type CallStepParsed = ServiceParsed['calls'][number];
export type CallParsed = z.output<typeof Call>;
export type WorkloadParsed = ScenarioParsed['workload'][number];
export type TimelineEventParsed = ScenarioParsed['timeline'][number];
