/**
 * The scenario format, defined once: these zod schemas validate input, apply defaults, convert
 * units, and generate the JSON Schema that `meshsim schema` prints. Field names follow Istio and
 * Envoy where they exist. Defaults come from ../shared/reference/ and say where.
 */
import { z } from 'zod';
import { HARD_LIMITS } from './limits.ts';
import { Distribution, Duration, Rate } from './schema-units.ts';
import { AppLifecycle, Expectation, Mesh, Rollout, SidecarOverride } from './schema-lifecycle.ts';
import { EnvoyCluster, IstioOutlierDetection } from './schema-health.ts';
import { AppClient, ConnectionPool, Degrade, Retries, RetryBudget } from './schema-retries.ts';
import { Conntrack, Node } from './schema-connections.ts';
import { KubeProxy, Route, SetRoute, Via } from './schema-routing.ts';

export { Distribution, Duration, Rate } from './schema-units.ts';

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
  node: Node.prefault({}),
  conntrack: Conntrack.prefault({}),
  kubeProxy: KubeProxy.prefault({}),
});

// ---------- services ----------

const App = z.strictObject({
  serviceTime: Distribution.prefault('1ms').meta({ description: 'Time the app works on one request, before its downstream calls.' }),
  concurrency: z.int().min(1).max(100_000).default(32).meta({
    description: 'Requests a pod works on at once (threads/workers); the rest wait in a FIFO queue. Default 32 (a modelling choice).',
  }),
  startupTime: Distribution.prefault('0s').meta({ description: 'From the app container starting (after its startup calls) until it serves requests; sampled per container start.' }),
  requestTimeout: Duration.prefault('0s').meta({
    description:
      "The app gives up on a request it has worked on this long, counted from when a worker takes it (Rack::Timeout's service_timeout): it answers 500 and abandons its calls in flight. 0s (default): none.",
  }),
  deadlinePropagation: z.boolean().default(false).meta({
    description: "The app honours its callers' deadlines (their timeouts, as Envoy's x-envoy-expected-rq-timeout-ms says) and passes them on: work whose caller gave up is dropped, not done. Default false (orphaned work goes on).",
  }),
  ...AppLifecycle,
});

const Call = z.strictObject({
  service: ServiceName,
  probability: z.number().min(0).max(1).default(1).meta({ description: 'Chance the call is made for a given request (default 1).' }),
  required: z.boolean().default(true).meta({ description: 'If a required call fails, the caller answers 500; optional failures are ignored.' }),
  client: AppClient.optional(),
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
  .strictObject({
    loadBalancer: LoadBalancer.prefault({}),
    connectionPool: ConnectionPool.prefault({}),
    retryBudget: RetryBudget.optional(),
    outlierDetection: IstioOutlierDetection.optional(),
  })
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
  retries: Retries.prefault({}),
  route: Route.optional(),
  trafficPolicy: TrafficPolicy.prefault({}),
  terminationGracePeriodSeconds: z.int().min(0).max(3600).default(30).meta({ description: 'From deletion to SIGKILL. Kubernetes default 30 (kubernetes-istio.md §3.1).' }),
  sidecar: SidecarOverride.optional(),
  envoy: EnvoyCluster.prefault({}),
  publishNotReadyAddresses: z.boolean().default(false).meta({
    description: 'Kubernetes Service publishNotReadyAddresses: endpoints list pods from creation, ready or not (active HC then gates traffic). Default false.',
  }),
});

// ---------- workload ----------

const OpenLoop = z.strictObject({
  name: Name.optional(),
  to: ServiceName,
  rate: Rate,
  via: Via,
  arrival: z.enum(['poisson', 'uniform']).default('poisson').meta({ description: 'poisson: exponential gaps; uniform: evenly spaced.' }),
  start: Duration.prefault('0s'),
  end: Duration.optional().meta({ description: 'Default: the end of the run.' }),
});

const ClosedLoop = z.strictObject({
  name: Name.optional(),
  to: ServiceName,
  clients: z.int().min(1).max(HARD_LIMITS.closedLoopClients).meta({ description: 'Clients that each send, wait for the answer, think, repeat.' }),
  via: Via,
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
    rollout: Rollout.optional(),
    degrade: Degrade.optional(),
    route: SetRoute.optional(),
  })
  .refine((e) => [e.scale, e.kill, e.rate, e.rollout, e.degrade, e.route].filter((a) => a !== undefined).length === 1, {
    error: 'each timeline entry needs exactly one action: scale, kill, rate, rollout, degrade or route',
  });

// ---------- variants, metrics, limits ----------

const Variant = z.strictObject({
  description: z.string().optional(),
  set: z
    .record(z.string().min(1), z.unknown())
    .meta({ description: 'Overrides by dotted path, e.g. {services.backend.replicas: 40}; arrays by index: workload.0.rate.' }),
});

const Sweep = z
  .strictObject({
    seeds: z.int().min(1).max(HARD_LIMITS.sweepSeeds).default(1).meta({ description: 'Replications per grid point: seeds S, S+1, ... (S = the scenario seed), the same at every point.' }),
    grid: z
      .record(z.string().min(1), z.array(z.unknown()).min(1).max(HARD_LIMITS.sweepValuesPerPath))
      .default({})
      .meta({ description: 'Values per settable path (the variants\' path syntax), e.g. {services.catalog.replicas: [3, 5, 8]}; the sweep runs every combination.' }),
  })
  .meta({ description: 'A parameter study for `meshsim sweep`: every grid point x variant x seed.' });

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
    mesh: Mesh.prefault({}),
    services: z.record(ServiceName, Service),
    workload: z.array(Workload).min(1).max(HARD_LIMITS.workloads),
    timeline: z.array(TimelineEvent).max(HARD_LIMITS.timelineEvents).default([]),
    variants: z.record(Name, Variant).default({}),
    sweep: Sweep.optional(),
    limits: Limits.prefault({}),
    expect: z.array(Expectation).max(1000).default([]),
  })
  .meta({ title: 'meshsim scenario' });

export type ScenarioParsed = z.output<typeof ScenarioSchema>;
export type ServiceParsed = ScenarioParsed['services'][string];
export type CallStepParsed = ServiceParsed['calls'][number];
export type CallParsed = z.output<typeof Call>;
export type WorkloadParsed = ScenarioParsed['workload'][number];
export type TimelineEventParsed = ScenarioParsed['timeline'][number];
export type ExpectationParsed = ScenarioParsed['expect'][number];
export type RolloutParsed = NonNullable<TimelineEventParsed['rollout']>;
export type SidecarParsed = ScenarioParsed['mesh']['sidecar'];
