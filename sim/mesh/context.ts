import type { Rng, Scheduler } from '../engine/index.ts';
import type { MetricsRecorder } from '../metrics/index.ts';
import type { Scenario } from '../scenario/index.ts';
import type { NodePool } from './kube/nodes.ts';
import type { PodNetwork } from './kube/pod-network.ts';
import type { PodTable } from './kube/pods.ts';
import type { ServiceModel } from './service-model.ts';
import type { RequestTable } from './traffic/requests.ts';

/** One finished request, in the fields of Envoy's access log (see run/access-log.ts for the format). */
export interface AccessLogRecord {
  /** Unique within the run, in the order requests started. */
  requestId: number;
  startNs: number;
  durationNs: number;
  responseCode: number;
  responseFlags: number;
  upstreamCluster: string;
  /** Pod IP:port, or '-' when no host was chosen. */
  upstreamHost: string;
  upstreamPod: string;
  downstreamPod: string;
  /** Attempt number (x-envoy-attempt-count): one line per attempt, the last one the request's own. */
  attempt: number;
  /** Why it ended so (Envoy's %RESPONSE_CODE_DETAILS% in spirit). */
  responseCodeDetails: string;
  /** Container states of the upstream and calling pods when it ended ("app=serving proxy=draining"). */
  upstreamPodState: string;
  downstreamPodState: string;
  /** Still open when the run ended: no response yet (code 0), duration up to the end. */
  inFlightAtEnd?: true;
}

export type AccessLogSink = (record: AccessLogRecord) => void;

/** One step of a pod's lifecycle ("app started", "proxy LIVE", "SIGTERM app", "pod Ready", ...). */
export type PodEventSink = (atNs: number, pod: string, event: string) => void;

/** The world's shared state, handed to each component (models never reach for globals). */
export interface MeshContext {
  readonly sim: Scheduler;
  readonly rng: Rng;
  readonly scenario: Scenario;
  readonly services: readonly ServiceModel[];
  readonly pods: PodTable;
  readonly nodes: NodePool;
  readonly network: PodNetwork;
  readonly requests: RequestTable;
  readonly metrics: MetricsRecorder;
  /** Metrics series of workload w is `services.length + w`. */
  readonly workloadSeriesBase: number;
  readonly accessLog: AccessLogSink | undefined;
  /** Receives every pod lifecycle step, if given (tests, the playground's pod view). */
  readonly podEvents: PodEventSink | undefined;
}
