import type { MeshContext } from '../context.ts';
import { EventKind } from '../event-kinds.ts';
import type { PodLifecycle } from '../service-model.ts';
import {
  APP_EXITED,
  APP_SERVING,
  APP_STARTING,
  APP_STOPPING,
  APP_WAITING,
  GONE,
  PROXY_DRAINING,
  PROXY_EXITED,
  PROXY_LIVE,
  PROXY_STARTING,
  READY,
  STARTING,
  TERMINATING,
} from './pods.ts';
import { grownFor } from '../typed-arrays.ts';
import { crashLoopBackOffNs, ISTIO_PROXY_STARTUP_PROBE, PILOT_AGENT_WAIT_PERIOD_NS, pollPassNs, probePassNs } from './probes.ts';

/** What the kubelet needs from the rest of the world. */
export interface KubeletHooks {
  /** The proxy's xDS stream opens (istiod sends its first config). */
  connectProxy(pod: number): void;
  disconnectProxy(pod: number): void;
  /** Resets every request at the pod (its inbound side is gone). */
  abortInbound(pod: number): void;
  /** Ends the app's own outbound requests (its sidecar is gone). */
  abortOutbound(pod: number): void;
  /** The pod's Envoy process exited: every socket it held closes (its pools, both ways). */
  sidecarExited(pod: number): void;
  /** Sends one startup call through the pod's sidecar. */
  sendStartupCall(pod: number, index: number): void;
  /** The pod's Ready condition or deletion changed (EndpointSlice controller, Deployments). */
  podChanged(pod: number): void;
  /** Every container exited: the pod is gone. */
  podGone(pod: number): void;
  /** The app container crashed and will be restarted. */
  appRestarted(pod: number): void;
  /** A container of the pod changed state (Envoy's dormant health checks of it wake). */
  containersChanged(pod: number): void;
}

const APP = 0;
const PROXY = 1;
const NATIVE_SIGKILL_AFTER_NS = 2e9; // KEP-753: SIGTERM to what is left at the grace period, SIGKILL 2 s later

/**
 * The kubelet's handling of each pod's two containers, app and istio-proxy, in the three startup
 * modes of kubernetes-istio.md §1.1-1.3 and the termination flow of §3.1-3.4:
 * - classic: both start at once; the app may call out before Envoy has config (refused).
 * - holdApplicationUntilProxyStarts: the app starts when `pilot-agent wait` sees the proxy ready.
 * - native: the proxy is a restartable init container; the app starts when its startup probe passes.
 * Pod Ready = both containers ready (§2.4). Deletion: preStop hooks, then SIGTERM (classic: both
 * at once, Envoy drains terminationDrainDuration then exits; native: Envoy drains from the start
 * and exits when the app has), SIGKILL at the grace period.
 */
export class Kubelet {
  private readonly ctx: MeshContext;
  private readonly hooks: KubeletHooks;
  private appStartNs = new Float64Array(1024);
  private startupPending = new Int32Array(1024);
  private startupFailed = new Uint8Array(1024);

  constructor(ctx: MeshContext, hooks: KubeletHooks) {
    this.ctx = ctx;
    this.hooks = hooks;
  }

  /** Reports a lifecycle step to the world's pod-event sink, if any. */
  private trace(pod: number, event: string): void {
    // Every container step is traced, so this is also where probes learn that a pod changed.
    this.hooks.containersChanged(pod);
    const sink = this.ctx.podEvents;
    if (sink) sink(this.ctx.sim.nowNs, this.ctx.pods.names[pod]!, event);
  }

  private lifecycle(pod: number): PodLifecycle {
    return this.ctx.services[this.ctx.pods.service[pod]!]!.lifecycle;
  }

  /** A pod that was running before the scenario began: both containers up and ready. */
  startRunning(pod: number): void {
    const pods = this.ctx.pods;
    this.ensure(pod);
    pods.proxy[pod] = PROXY_LIVE;
    pods.app[pod] = APP_SERVING;
    pods.proxyReady[pod] = 1;
    pods.appReady[pod] = 1;
    pods.phase[pod] = READY;
    pods.readySinceNs[pod] = -Infinity;
  }

  /** A new pod: the kubelet starts its containers in the service's startup mode. */
  start(pod: number): void {
    this.ensure(pod);
    const lc = this.lifecycle(pod);
    this.trace(pod, 'proxy started');
    this.ctx.sim.postAfter(lc.proxyStart.sample(this.ctx.pods.appRandom[pod]!), EventKind.PROXY_BOOTED, pod);
    // classic: the kubelet starts the containers one after another without waiting (§1.1).
    if (lc.startup === 'classic') this.startApp(pod);
  }

  onProxyBooted(pod: number): void {
    if (this.ctx.pods.proxy[pod] !== PROXY_STARTING) return;
    this.trace(pod, 'proxy asks istiod for config');
    this.hooks.connectProxy(pod);
    const timeoutNs = this.lifecycle(pod).initialFetchTimeoutNs;
    if (timeoutNs > 0) this.ctx.sim.postAfter(timeoutNs, EventKind.PROXY_INITIAL_FETCH_TIMEOUT, pod);
  }

  /** The proxy applied its first config: Envoy is LIVE (§2.1: Istio waits for it forever). */
  onProxyConfigured(pod: number): void {
    if (this.ctx.pods.proxy[pod] === PROXY_STARTING) this.proxyLive(pod);
  }

  onInitialFetchTimeout(pod: number): void {
    if (this.ctx.pods.proxy[pod] === PROXY_STARTING) this.proxyLive(pod);
  }

  private proxyLive(pod: number): void {
    const { pods, sim } = this.ctx;
    pods.proxy[pod] = PROXY_LIVE;
    this.trace(pod, 'proxy LIVE');
    const created = pods.createdNs[pod]!;
    const now = sim.nowNs;
    sim.post(probePassNs(created, ISTIO_PROXY_STARTUP_PROBE, now), EventKind.PROXY_PROBE_PASSED, pod);
    if (this.lifecycle(pod).startup === 'holdApplicationUntilProxyStarts') {
      sim.post(pollPassNs(created, PILOT_AGENT_WAIT_PERIOD_NS, now), EventKind.APP_START, pod, pods.appEpoch[pod]!);
    }
  }

  onProxyProbePassed(pod: number): void {
    const pods = this.ctx.pods;
    if (pods.phase[pod] !== STARTING && pods.phase[pod] !== READY) return;
    pods.proxyReady[pod] = 1;
    this.trace(pod, 'proxy ready');
    // native: the sidecar is "started" once its startup probe passes; then the app starts (§1.3).
    if (this.lifecycle(pod).startup === 'native' && pods.app[pod] === APP_WAITING && pods.restarts[pod] === 0) this.startApp(pod);
    this.updateReady(pod);
  }

  onAppStart(pod: number, epoch: number): void {
    const pods = this.ctx.pods;
    if (epoch !== pods.appEpoch[pod] || pods.app[pod] !== APP_WAITING || pods.phase[pod] === TERMINATING || pods.phase[pod] === GONE) return;
    this.startApp(pod);
  }

  private startApp(pod: number): void {
    const pods = this.ctx.pods;
    const lc = this.lifecycle(pod);
    pods.app[pod] = APP_STARTING;
    this.trace(pod, 'app started');
    this.appStartNs[pod] = this.ctx.sim.nowNs;
    this.startupFailed[pod] = 0;
    this.startupPending[pod] = lc.startupCalls.length;
    if (lc.startupCalls.length === 0) this.warmUp(pod);
    // Guard the count while sending: a call may end at once (refused by a sidecar without config).
    else {
      this.startupPending[pod]!++;
      lc.startupCalls.forEach((_, i) => this.hooks.sendStartupCall(pod, i));
      this.onStartupCallEnded(pod, pods.appEpoch[pod]!, -1, true);
    }
  }

  /** One of the app's startup calls ended. `index` -1 is the send guard. */
  onStartupCallEnded(pod: number, epoch: number, index: number, success: boolean): void {
    const pods = this.ctx.pods;
    if (epoch !== pods.appEpoch[pod] || pods.app[pod] !== APP_STARTING) return;
    if (!success && index >= 0 && this.lifecycle(pod).startupCalls[index]!.required) this.startupFailed[pod] = 1;
    if (--this.startupPending[pod]! > 0) return;
    if (this.startupFailed[pod]) this.crash(pod);
    else this.warmUp(pod);
  }

  private warmUp(pod: number): void {
    const svc = this.ctx.services[this.ctx.pods.service[pod]!]!;
    this.ctx.sim.postAfter(svc.startup.sample(this.ctx.pods.appRandom[pod]!), EventKind.APP_SERVING, pod, this.ctx.pods.appEpoch[pod]!);
  }

  onAppServing(pod: number, epoch: number): void {
    const pods = this.ctx.pods;
    if (epoch !== pods.appEpoch[pod] || pods.app[pod] !== APP_STARTING) return;
    pods.app[pod] = APP_SERVING;
    this.trace(pod, 'app serving');
    const probe = this.lifecycle(pod).readinessProbe;
    if (!probe) return this.onAppProbePassed(pod, epoch);
    this.ctx.sim.post(probePassNs(this.appStartNs[pod]!, probe, this.ctx.sim.nowNs), EventKind.APP_PROBE_PASSED, pod, epoch);
  }

  onAppProbePassed(pod: number, epoch: number): void {
    const pods = this.ctx.pods;
    if (epoch !== pods.appEpoch[pod] || pods.app[pod] !== APP_SERVING) return;
    pods.appReady[pod] = 1;
    this.trace(pod, 'app ready');
    this.updateReady(pod);
  }

  /** A required startup call failed: the app exits with an error; CrashLoopBackOff (§7b incidents). */
  private crash(pod: number): void {
    const pods = this.ctx.pods;
    this.trace(pod, 'app crashed (a required startup call failed)');
    pods.app[pod] = APP_WAITING;
    pods.appReady[pod] = 0;
    pods.appEpoch[pod]!++;
    pods.restarts[pod]!++;
    this.hooks.appRestarted(pod);
    this.updateReady(pod);
    this.ctx.sim.postAfter(crashLoopBackOffNs(pods.restarts[pod]!), EventKind.APP_START, pod, pods.appEpoch[pod]!);
  }

  private updateReady(pod: number): void {
    const pods = this.ctx.pods;
    const phase = pods.phase[pod];
    if (phase !== STARTING && phase !== READY) return;
    const ready = pods.proxyReady[pod] === 1 && pods.appReady[pod] === 1;
    if (ready === (phase === READY)) return;
    pods.phase[pod] = ready ? READY : STARTING;
    this.trace(pod, ready ? 'pod Ready' : 'pod not Ready');
    if (ready) pods.readySinceNs[pod] = this.ctx.sim.nowNs;
    this.hooks.podChanged(pod);
  }

  // ---------- termination ----------

  /** The pod is deleted (deletionTimestamp set): graceful termination (§3.1). */
  delete(pod: number): void {
    const { pods, sim } = this.ctx;
    if (pods.phase[pod] === TERMINATING || pods.phase[pod] === GONE) return;
    const lc = this.lifecycle(pod);
    pods.phase[pod] = TERMINATING;
    this.trace(pod, 'pod deleted');
    this.hooks.podChanged(pod);
    if (lc.graceNs === 0) return this.kill(pod);
    sim.postAfter(lc.graceNs, EventKind.POD_GRACE_EXPIRED, pod);
    // Sidecar preStop hooks run at once, in parallel with the app's (KEP-753, §1.3).
    if (lc.startup === 'native') {
      // Istio's native-sidecar preStop is `pilot-agent request POST drain` (§1.3, §3.4).
      if (pods.proxy[pod] === PROXY_LIVE) {
        pods.proxy[pod] = PROXY_DRAINING;
        this.trace(pod, 'proxy draining (preStop drain)');
      }
    }
    this.afterPreStop(pod, APP, lc.appPreStopNs);
    if (lc.startup !== 'native') this.afterPreStop(pod, PROXY, lc.proxyPreStopNs);
  }

  private afterPreStop(pod: number, container: number, preStopNs: number): void {
    if (preStopNs > 0) this.ctx.sim.postAfter(preStopNs, EventKind.CONTAINER_SIGTERM, pod, container);
    else this.onSigterm(pod, container);
  }

  onSigterm(pod: number, container: number): void {
    const pods = this.ctx.pods;
    if (pods.phase[pod] !== TERMINATING) return;
    this.trace(pod, container === PROXY ? 'SIGTERM proxy' : 'SIGTERM app');
    if (container === PROXY) return this.sigtermProxy(pod);
    if (pods.app[pod] === APP_SERVING) {
      const delayNs = this.lifecycle(pod).shutdownDelayNs;
      if (delayNs > 0) this.ctx.sim.postAfter(delayNs, EventKind.APP_STOP_ACCEPTING, pod, pods.appEpoch[pod]!);
      else this.stopAccepting(pod);
    } else if (pods.app[pod] !== APP_STOPPING) this.appExited(pod); // not serving yet: nothing to finish
  }

  /** pilot-agent on SIGTERM (§3.2): drain inbound for terminationDrainDuration, then exit. */
  private sigtermProxy(pod: number): void {
    const pods = this.ctx.pods;
    if (pods.proxy[pod] === PROXY_EXITED) return;
    if (pods.proxy[pod] === PROXY_STARTING || this.lifecycle(pod).startup === 'native') return this.proxyExited(pod);
    pods.proxy[pod] = PROXY_DRAINING;
    this.trace(pod, 'proxy draining');
    this.ctx.sim.postAfter(this.lifecycle(pod).drainNs, EventKind.PROXY_DRAIN_DONE, pod);
  }

  onAppStopAccepting(pod: number, epoch: number): void {
    const pods = this.ctx.pods;
    if (epoch === pods.appEpoch[pod] && pods.app[pod] === APP_SERVING) this.stopAccepting(pod);
  }

  private stopAccepting(pod: number): void {
    const pods = this.ctx.pods;
    pods.app[pod] = APP_STOPPING;
    this.trace(pod, 'app stops accepting');
    pods.appReady[pod] = 0;
    if (pods.jobs[pod] === 0) this.appExited(pod);
  }

  /** The app holds no more work (called when its last job ends). */
  onAppIdle(pod: number): void {
    if (this.ctx.pods.app[pod] === APP_STOPPING) this.appExited(pod);
  }

  onProxyDrainDone(pod: number): void {
    if (this.ctx.pods.proxy[pod] === PROXY_DRAINING && this.ctx.pods.phase[pod] === TERMINATING) this.proxyExited(pod);
  }

  private appExited(pod: number): void {
    const pods = this.ctx.pods;
    pods.app[pod] = APP_EXITED;
    this.trace(pod, 'app exited');
    pods.appReady[pod] = 0;
    pods.appEpoch[pod]!++;
    // native: the sidecar gets SIGTERM once the last app container has exited, and exits at once (§3.4).
    if (this.lifecycle(pod).startup === 'native' && pods.proxy[pod] !== PROXY_EXITED) this.proxyExited(pod);
    else this.maybeGone(pod);
  }

  private proxyExited(pod: number): void {
    const pods = this.ctx.pods;
    pods.proxy[pod] = PROXY_EXITED;
    this.trace(pod, 'proxy exited');
    pods.proxyReady[pod] = 0;
    this.hooks.disconnectProxy(pod);
    // Envoy is killed: requests it was relaying in are reset, and the app's calls out are cut (§3.3).
    this.hooks.abortInbound(pod);
    this.hooks.abortOutbound(pod);
    this.hooks.sidecarExited(pod);
    if (pods.app[pod] === APP_STOPPING && pods.jobs[pod] === 0) this.appExited(pod);
    else this.maybeGone(pod);
  }

  private maybeGone(pod: number): void {
    const pods = this.ctx.pods;
    if (pods.phase[pod] !== TERMINATING || pods.app[pod] !== APP_EXITED || pods.proxy[pod] !== PROXY_EXITED) return;
    pods.phase[pod] = GONE;
    this.trace(pod, 'pod gone');
    this.hooks.podGone(pod);
  }

  onGraceExpired(pod: number): void {
    const pods = this.ctx.pods;
    if (pods.phase[pod] !== TERMINATING) return;
    if (this.lifecycle(pod).startup !== 'native') return this.kill(pod);
    // KEP-753: SIGTERM to every container still running, SIGKILL 2 s later.
    if (pods.app[pod] === APP_SERVING) this.stopAccepting(pod);
    this.ctx.sim.postAfter(NATIVE_SIGKILL_AFTER_NS, EventKind.POD_SIGKILL, pod);
  }

  onSigkill(pod: number): void {
    if (this.ctx.pods.phase[pod] === TERMINATING) this.kill(pod);
  }

  /** SIGKILL (or a force delete): every container dies now. */
  kill(pod: number): void {
    const pods = this.ctx.pods;
    if (pods.phase[pod] === GONE) return;
    const wasTerminating = pods.phase[pod] === TERMINATING;
    this.trace(pod, 'SIGKILL');
    pods.phase[pod] = GONE; // first, so nothing the kill triggers treats the pod as alive
    pods.app[pod] = APP_EXITED;
    pods.appEpoch[pod]!++;
    pods.appReady[pod] = 0;
    pods.proxyReady[pod] = 0;
    if (pods.proxy[pod] !== PROXY_EXITED) {
      pods.proxy[pod] = PROXY_EXITED;
      this.hooks.disconnectProxy(pod);
    }
    this.hooks.abortInbound(pod);
    this.hooks.abortOutbound(pod);
    if (!wasTerminating) this.hooks.podChanged(pod);
    this.hooks.podGone(pod);
  }

  private ensure(pod: number): void {
    this.appStartNs = grownFor(this.appStartNs, pod);
    this.startupPending = grownFor(this.startupPending, pod);
    this.startupFailed = grownFor(this.startupFailed, pod);
  }
}
