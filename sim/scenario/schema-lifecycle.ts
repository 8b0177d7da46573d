/**
 * The scenario format's lifecycle and control-plane parts: probes, the sidecar's startup mode and
 * drain, istiod's debounce and push pipeline, rollouts, and expectations. Defaults are Kubernetes'
 * and Istio's (kubernetes-istio.md, cited per field); modelling choices say so.
 */
import { z } from 'zod';
import { Distribution, Duration } from './schema-units.ts';
import { MeshConnectTimeout, SidecarConcurrency } from './schema-connections.ts';

// ---------- kubelet probes ----------

/** A kubelet probe, in Kubernetes' own field names and integer seconds (kubernetes-istio.md §2.5 defaults). */
export const Probe = z
  .strictObject({
    initialDelaySeconds: z.int().min(0).max(3600).default(0),
    periodSeconds: z.int().min(1).max(3600).default(10),
    successThreshold: z.int().min(1).max(100).default(1),
    failureThreshold: z.int().min(1).max(10_000).default(3),
  })
  .meta({ description: 'Kubelet probe; defaults are the kubelet\'s: delay 0, period 10s, success 1, failure 3 (kubernetes-istio.md §2.5).' });

const PreStop = z
  .strictObject({ sleep: Duration.meta({ description: 'preStop sleep action (KEP-3960): the container gets SIGTERM this long after deletion.' }) })
  .meta({ description: 'preStop hook, run before SIGTERM (kubernetes-istio.md §3.1).' });

const StartupCall = z.strictObject({
  service: z.string(),
  required: z.boolean().default(true).meta({ description: 'If a required startup call fails, the app exits with an error and the kubelet restarts it (CrashLoopBackOff).' }),
});

/** Fields of `services.X.app` about the container's lifecycle (merged into App in schema.ts). */
export const AppLifecycle = {
  startupCalls: z
    .array(StartupCall)
    .max(16)
    .default([])
    .meta({ description: 'Calls the app makes as soon as its container starts (fetch config, warm a cache), before it serves; they go through its own sidecar.' }),
  readinessProbe: z
    .union([z.literal(false), Probe], { error: 'readinessProbe is a probe {initialDelaySeconds, periodSeconds, successThreshold, failureThreshold} or false (none)' })
    .prefault({})
    .meta({ description: 'The app container\'s readiness probe (kubelet defaults); false: no probe, the container is ready as soon as it runs.' }),
  preStop: PreStop.optional(),
  shutdownDelay: Duration.prefault('0s').meta({
    description: 'After SIGTERM the app keeps accepting new requests this long, then stops accepting, finishes what it holds and exits. Default 0s.',
  }),
};

// ---------- the sidecar ----------

const SIDECAR_FIELDS = {
  startup: z.enum(['classic', 'holdApplicationUntilProxyStarts', 'native']).meta({
    description:
      'classic: app and istio-proxy start together (Istio <= 1.26 default); holdApplicationUntilProxyStarts: the app starts once the proxy is ready ' +
      '(proxy.istio.io holdApplicationUntilProxyStarts, §1.2); native: istio-proxy is a restartable init container (KEP-753, §1.3).',
  }),
  startTime: Distribution.meta({ description: 'pilot-agent and Envoy start-up until the proxy asks istiod for its config (sampled per pod). Default 1s (a modelling choice).' }),
  terminationDrainDuration: Duration.meta({ description: 'After SIGTERM Envoy drains inbound this long, then exits (classic and hold modes). Istio default 5s (§3.2).' }),
  initialFetchTimeout: Duration.meta({
    description: 'Envoy waits this long for its first config before starting listeners anyway; 0s waits forever: Istio\'s setting (§1.1, §2.3).',
  }),
  preStop: PreStop.optional(),
  concurrency: SidecarConcurrency,
};

export const Sidecar = z
  .strictObject({
    startup: SIDECAR_FIELDS.startup.default('classic'),
    startTime: SIDECAR_FIELDS.startTime.prefault('1s'),
    terminationDrainDuration: SIDECAR_FIELDS.terminationDrainDuration.prefault('5s'),
    initialFetchTimeout: SIDECAR_FIELDS.initialFetchTimeout.prefault('0s'),
    preStop: SIDECAR_FIELDS.preStop,
    concurrency: SIDECAR_FIELDS.concurrency.default(2),
  })
  .meta({ description: 'The istio-proxy sidecar of every pod (override per service with services.X.sidecar).' });

/** Per-service override of mesh.sidecar: any of its fields. */
export const SidecarOverride = z
  .strictObject({
    startup: SIDECAR_FIELDS.startup.optional(),
    startTime: SIDECAR_FIELDS.startTime.optional(),
    terminationDrainDuration: SIDECAR_FIELDS.terminationDrainDuration.optional(),
    initialFetchTimeout: SIDECAR_FIELDS.initialFetchTimeout.optional(),
    preStop: SIDECAR_FIELDS.preStop,
    concurrency: SIDECAR_FIELDS.concurrency.optional(),
  })
  .meta({ description: 'Overrides mesh.sidecar for this service\'s pods.' });

// ---------- the control plane ----------

const PushCost = z
  .strictObject({
    eds: Duration.prefault('500us').meta({ description: 'istiod CPU to build and send one proxy an endpoint (EDS) push. Modelling choice, README "Control plane".' }),
    full: Duration.prefault('5ms').meta({ description: 'istiod CPU to build a new proxy\'s full config (CDS, LDS, RDS). Modelling choice.' }),
    perEndpoint: Duration.prefault('2us').meta({ description: 'Extra CPU per endpoint in the pushed clusters. Modelling choice.' }),
  })
  .meta({ description: 'istiod\'s CPU cost per proxy push.' });

export const ControlPlane = z
  .strictObject({
    endpointSliceDelay: Distribution.prefault({ lognormal: { median: '50ms', p99: '250ms' } }).meta({
      description:
        'From a pod change to istiod seeing the EndpointSlice: watch, controller sync, API write, watch (§3.6). Default lognormal median 50ms, p99 250ms (a modelling choice under the 1s API SLO).',
    }),
    debounceAfter: Duration.prefault('100ms').meta({ description: 'PILOT_DEBOUNCE_AFTER: push after this long with no new event. Default 100ms (§4.2).' }),
    debounceMax: Duration.prefault('10s').meta({ description: 'PILOT_DEBOUNCE_MAX: push anyway this long after the first event. Default 10s (§4.2).' }),
    cpus: z.int().min(1).max(256).default(4).meta({ description: 'istiod CPUs: pushes are built on this many cores at once. Default 4.' }),
    pushThrottle: z.int().min(1).max(10_000).optional().meta({
      description: 'PILOT_PUSH_THROTTLE: proxy pushes in flight at once. Default min(15 + 5 x cpus, 100), Istio >= 1.21 (§4.2).',
    }),
    pushCost: PushCost.prefault({}),
    xdsLatency: Distribution.prefault({ lognormal: { median: '5ms', p99: '50ms' } }).meta({
      description: 'From istiod sending a push until the proxy has applied it (network and Envoy\'s update). Modelling choice.',
    }),
    drainingEndpoints: z.boolean().default(false).meta({
      description: 'The control plane also watches Pods and sends a terminating pod\'s endpoint as EDS DRAINING until it is gone (Lyft, kubernetes-istio.md §3.8). Default false (Istio drops it).',
    }),
  })
  .meta({ description: 'The EndpointSlice controller and istiod\'s debounce and push pipeline (kubernetes-istio.md §4).' });

export const Mesh = z.strictObject({
  sidecar: Sidecar.prefault({}),
  controlPlane: ControlPlane.prefault({}),
  connectTimeout: MeshConnectTimeout,
});

// ---------- rollouts ----------

/** Kubernetes IntOrString: a count or a percentage of the desired replicas. */
const IntOrPercent = z.union([z.int().min(0), z.string().regex(/^(100|[1-9]?[0-9])%$/, { error: 'must be a count (2) or a percentage (25%)' })], { error: 'must be a count (2) or a percentage (25%)' });

export const Rollout = z
  .strictObject({
    service: z.string(),
    maxSurge: IntOrPercent.default('25%').meta({ description: 'Pods over the desired count during the rollout; percentages round up. Default 25%.' }),
    maxUnavailable: IntOrPercent.default('25%').meta({ description: 'Pods under the desired count that may be unavailable; percentages round down. Default 25%.' }),
    minReadySeconds: z.int().min(0).max(3600).default(0).meta({ description: 'A new pod counts as available after being ready this long. Default 0.' }),
  })
  .meta({ description: 'A rolling update: a new ReplicaSet replaces every pod with Deployment semantics.' });

// ---------- expectations ----------

export const Expectation = z
  .strictObject({
    metric: z.string().min(1).meta({ description: 'SERVICE.figure or WORKLOAD.figure (successRate, requests, p99Ms, code.503, flag.UF, startupFailures, ...) or controlPlane.figure.' }),
    atLeast: z.number().optional(),
    atMost: z.number().optional(),
    variant: z.union([z.string(), z.array(z.string()).min(1)]).optional().meta({ description: 'Which variant(s) it applies to ("base" is the scenario itself); default every one.' }),
    from: Duration.optional().meta({ description: 'Measure over the time series from here (interval-aligned).' }),
    to: Duration.optional().meta({ description: 'Measure over the time series up to here.' }),
    description: z.string().optional(),
  })
  .refine((e) => e.atLeast !== undefined || e.atMost !== undefined, { error: 'an expectation needs atLeast or atMost (or both)' })
  .meta({ description: 'An assertion on a figure of the run: meshsim check fails when it does not hold.' });
