import type { AccessLogRecord, MeshContext } from '../context.ts';
import { NONE } from '../traffic/requests.ts';

/**
 * The access-log record of request row `r`, as it stands at `endNs`. With `attempt` (an attempt
 * row of `r` that is being retried), the line is that attempt's: its host, start and number, tied
 * to the request by its id (one line per attempt, envoy.md §4.5 x-envoy-attempt-count).
 */
export function accessLogRecord(ctx: MeshContext, r: number, code: number, flags: number, details: string, endNs: number, attempt: number = NONE): AccessLogRecord {
  const { requests: rq, pods, services } = ctx;
  const row = attempt === NONE ? r : attempt;
  const host = rq.host[row]!;
  const startNs = rq.startNs[row]!;
  return {
    requestId: rq.serial[r]!,
    startNs,
    durationNs: endNs - startNs,
    responseCode: code,
    responseFlags: flags,
    upstreamCluster: services[rq.service[r]!]!.cluster,
    upstreamHost: host === NONE ? '-' : `${pods.ip(host)}:8080`,
    upstreamPod: host === NONE ? '-' : pods.names[host]!,
    downstreamPod: pods.names[rq.client[r]!]!,
    attempt: Math.max(1, rq.attemptNo[row]!),
    responseCodeDetails: details,
    upstreamPodState: host === NONE ? '-' : pods.containerStates(host),
    downstreamPodState: pods.containerStates(rq.client[r]!),
  };
}

/**
 * Access-log records for the requests still open at the end of the run. Envoy writes a line
 * when a stream completes, so these would have none; without them the log silently missed
 * every request an overloaded service was still holding. Each is marked `inFlightAtEnd`, with
 * response code 0 (no response yet), no flags, and its duration so far. In request order.
 */
export function logInFlightAtEnd(ctx: MeshContext, endNs: number): void {
  const sink = ctx.accessLog;
  if (!sink) return;
  const rq = ctx.requests;
  const open: number[] = [];
  rq.forEachOpenClient((r) => open.push(r));
  open.sort((a, b) => rq.serial[a]! - rq.serial[b]!);
  for (const r of open) sink({ ...accessLogRecord(ctx, r, 0, 0, 'in_flight_at_end', endNs), inFlightAtEnd: true });
}
