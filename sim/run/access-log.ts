import { flagsToString } from '../metrics/index.ts';
import type { AccessLogRecord } from '../mesh/index.ts';

/**
 * One Envoy-style JSON access-log line (the keys of Envoy's default JSON format where they
 * exist: start_time, duration, response_code, response_flags, upstream_host,
 * upstream_cluster). Simulated time 0 is printed as 1970-01-01T00:00:00Z. Extra keys give the
 * pod names and their container states when the request ended, why it ended so
 * (response_code_details, in the spirit of Envoy's %RESPONSE_CODE_DETAILS%), the attempt number
 * and the exact duration in nanoseconds.
 */
export function formatAccessLogLine(r: AccessLogRecord, variant?: string): string {
  return JSON.stringify({
    start_time: isoTime(r.startNs),
    duration: Math.floor(r.durationNs / 1e6),
    duration_ns: r.durationNs,
    response_code: r.responseCode,
    response_flags: flagsToString(r.responseFlags),
    upstream_host: r.upstreamHost,
    upstream_cluster: r.upstreamCluster,
    upstream_pod: r.upstreamPod,
    downstream_pod: r.downstreamPod,
    response_code_details: r.responseCodeDetails,
    upstream_pod_state: r.upstreamPodState,
    downstream_pod_state: r.downstreamPodState,
    attempt: r.attempt,
    request_id: r.requestId,
    ...(variant !== undefined && { variant }),
  });
}

/** ISO 8601 with nanoseconds, from simulated ns since the epoch. */
function isoTime(ns: number): string {
  const ms = Math.floor(ns / 1e6);
  const base = new Date(ms).toISOString(); // 1970-01-01T00:00:01.234Z
  const subMs = String(ns - ms * 1e6).padStart(6, '0');
  return `${base.slice(0, -1)}${subMs}Z`;
}
