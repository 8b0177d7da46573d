import { NS_PER_S } from '../../engine/index.ts';

/** A kubelet probe's timing parameters (Kubernetes field names, seconds). */
export interface ProbeTiming {
  initialDelaySeconds: number;
  periodSeconds: number;
  successThreshold: number;
}

/**
 * When a probe first reports success for a container started at `startNs` whose check passes
 * from `healthyAtNs` on (kubernetes-istio.md §2.5, prober/worker.go):
 * - the worker probes at once when it starts (the manual trigger of prober_manager.go), then on a
 *   ticker every periodSeconds, so probe instants are start + k x period;
 * - an instant is skipped while less than initialDelaySeconds have passed since the start;
 * - the state flips after successThreshold consecutive successes.
 * So the container turns ready at the first instant >= max(healthyAt, start + initialDelay),
 * plus (successThreshold - 1) periods. Probe execution time is taken as 0.
 */
export function probePassNs(startNs: number, probe: ProbeTiming, healthyAtNs: number): number {
  const periodNs = probe.periodSeconds * NS_PER_S;
  const earliestNs = Math.max(healthyAtNs, startNs + probe.initialDelaySeconds * NS_PER_S);
  const k = Math.max(0, Math.ceil((earliestNs - startNs) / periodNs));
  return startNs + (k + probe.successThreshold - 1) * periodNs;
}

/**
 * Istio's injected istio-proxy probes since 1.20 (kubernetes-istio.md §2.2, §1.5): a startup
 * probe every 1 s on /healthz/ready, and a readiness probe (delay 0, period 15 s) that the
 * kubelet triggers as soon as the startup probe has passed. The container is therefore ready
 * (and, for a native sidecar, started) at the first 1 s tick at or after Envoy is LIVE.
 */
export const ISTIO_PROXY_STARTUP_PROBE: ProbeTiming = { initialDelaySeconds: 0, periodSeconds: 1, successThreshold: 1 };

/**
 * `pilot-agent wait`, the postStart hook of holdApplicationUntilProxyStarts (§1.2): polls the
 * proxy's readiness every 500 ms; the kubelet starts the app once it returns.
 */
export const PILOT_AGENT_WAIT_PERIOD_NS = 500e6;

/** `pilot-agent wait` gives up after 60 s (§1.2): the hook fails and the kubelet kills the container. */
export const PILOT_AGENT_WAIT_TIMEOUT_NS = 60e9;

/** The first poll instant of a period grid started at `startNs` that is >= `readyAtNs`. */
export function pollPassNs(startNs: number, periodNs: number, readyAtNs: number): number {
  return startNs + Math.max(0, Math.ceil((readyAtNs - startNs) / periodNs)) * periodNs;
}

/**
 * The kubelet's restart back-off for a crashing container (CrashLoopBackOff): 10 s, doubling
 * per restart, capped at 5 min. Kubernetes' kubelet defaults (a modelling fact not in the
 * reference; the reset after 10 min of running is not modelled).
 */
export function crashLoopBackOffNs(restarts: number): number {
  return Math.min(300e9, 10e9 * 2 ** Math.max(0, restarts - 1));
}
