import type { MeshContext } from '../context.ts';
import { NONE } from '../traffic/requests.ts';

/**
 * Access-log records for the requests still open at the end of the run. Envoy writes a line
 * when a stream completes, so these would have none; without them the log silently missed
 * every request an overloaded service was still holding. Each is marked `inFlightAtEnd`, with
 * response code 0 (no response yet), no flags, and its duration so far. In request order.
 */
export function logInFlightAtEnd(ctx: MeshContext, endNs: number): void {
  const sink = ctx.accessLog;
  if (!sink) return;
  const { requests: rq, pods, services } = ctx;
  const open: number[] = [];
  rq.forEachOpenClient((r) => open.push(r));
  open.sort((a, b) => rq.serial[a]! - rq.serial[b]!);
  for (const r of open) {
    const host = rq.host[r]!;
    sink({
      requestId: rq.serial[r]!,
      startNs: rq.startNs[r]!,
      durationNs: endNs - rq.startNs[r]!,
      responseCode: 0,
      responseFlags: 0,
      upstreamCluster: services[rq.service[r]!]!.cluster,
      upstreamHost: host === NONE ? '-' : `${pods.ip(host)}:8080`,
      upstreamPod: host === NONE ? '-' : pods.names[host]!,
      downstreamPod: pods.names[rq.client[r]!]!,
      attempt: 1,
      inFlightAtEnd: true,
    });
  }
}
