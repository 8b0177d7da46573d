/**
 * The run-time limits, checked as a run goes. Each stops the run with a message that names the
 * limit, the value that crossed it and what to change (run-one.ts adds when it stopped). They
 * are checked at fixed multiples of CHECK_EVERY_EVENTS fired events (and at the end), so
 * whether and where a run stops never depends on how often progress is reported.
 */
import type { StopReason } from '../engine/index.ts';
import { RunLimitError, type World } from '../mesh/index.ts';
import { BYTES_PER_MB, formatMb, HARD_LIMITS, peakPods, staticMemoryEstimate, type Scenario } from '../scenario/index.ts';

/** Often enough that memory overshoots its limit by little (a few MB of request rows at most). */
export const CHECK_EVERY_EVENTS = 1 << 16;
/**
 * Events at one instant that mean simulated time has stopped. Real bursts are far smaller: a
 * scale-up of 20,000 pods is one event, their readiness 20,000 more. A multiple of CHECK_EVERY_EVENTS.
 */
export const STALL_EVENTS = 1 << 20;

/**
 * Bytes per row of the request table (sim/mesh/traffic/requests.ts): one Uint32, four Uint8,
 * three Int16/Uint16, thirteen Int32 and five Float64 columns, plus its free-list slot.
 */
export const BYTES_PER_REQUEST_ROW = 4 + 4 + 6 + 52 + 40 + 4 + /* retries */ 1 + 4 + 4 + 2 + 2 + 1 + 4 + 8 + 4 * 4 + 8;

export class RunLimits {
  private readonly scenario: Scenario;
  private readonly staticBytes: number;
  private lastCheckNs = -1;
  /** Highest memory estimate seen at a check (all its parts only grow). */
  peakBytes = 0;

  constructor(scenario: Scenario) {
    this.scenario = scenario;
    // The run counts its actual conntrack tables (wheel included) instead of the wheel's estimate.
    const m = staticMemoryEstimate(scenario, peakPods(scenario));
    this.staticBytes = m.totalBytes - m.expiryWheelBytes;
  }

  /** Events to run before the next check, at most `maxEvents - fired`. */
  nextChunk(fired: number): number {
    return Math.min(CHECK_EVERY_EVENTS - (fired % CHECK_EVERY_EVENTS), this.scenario.limits.maxEvents - fired);
  }

  /** Throws RunLimitError when a limit is crossed; call after each chunk and at the end. */
  check(world: World, reason: StopReason): void {
    const { sim } = world;
    const { limits } = this.scenario;
    const bytes = this.memoryBytes(world);
    this.peakBytes = Math.max(this.peakBytes, bytes);
    if (bytes > limits.maxMemoryMb * BYTES_PER_MB) {
      const connections = connectionBytes(world);
      throw new RunLimitError(
        `the memory estimate reached ${formatMb(bytes)} (${world.ctx.requests.capacity} request slots, ${formatMb(sim.allocatedBytes)} of pending events` +
          (world.connections ? `, ${formatMb(connections)} of connection pools and conntrack tables` : '') +
          '), ' +
          `more than limits.maxMemoryMb (${limits.maxMemoryMb}); raise limits.maxMemoryMb (at most ${HARD_LIMITS.maxMemoryMb}) if the machine has the memory, or lower the load` +
          (world.connections ? ' or the pods, or use a longer cluster.conntrack.wheelSlot' : ''),
      );
    }
    if (reason === 'budget' && sim.eventsFired >= limits.maxEvents) {
      throw new RunLimitError(
        `more than limits.maxEvents (${limits.maxEvents}) events; raise limits.maxEvents (at most ${HARD_LIMITS.maxEvents.toExponential(0)}) or shorten the run`,
      );
    }
    if (sim.eventsFired % STALL_EVENTS === 0 && sim.eventsFired > 0) {
      // Time never goes back, so the same time at two checks means every event between them
      // happened at one instant: simulated time has stopped and would never reach the end.
      if (sim.nowNs === this.lastCheckNs) throw new RunLimitError(stalled(STALL_EVENTS));
      this.lastCheckNs = sim.nowNs;
    }
  }

  /**
   * What the run holds now: the fixed part, request rows (they only grow), event storage (`check`
   * keeps the peak) and, with connection tracking, the pools and tables (they grow with the
   * connections: the 10,000-pod bench run's reach half a GiB).
   */
  private memoryBytes(world: World): number {
    return this.staticBytes + world.ctx.requests.capacity * BYTES_PER_REQUEST_ROW + world.sim.allocatedBytes + connectionBytes(world);
  }
}

/** Bytes of pool and table state (the summary's conntrack.stateBytes), 0 without connection tracking. */
function connectionBytes(world: World): number {
  const c = world.connections;
  return c ? c.pools.bytes + c.tables.bytes : 0;
}

function stalled(events: number): string {
  return (
    `simulated time stopped advancing (${events} events in a row at the same instant), so the run would never end. ` +
    'This is what a closed-loop workload with thinkTime 0 does when its requests fail at once (a service with no pods answers 503 UH instantly): ' +
    'give the workload a thinkTime, or the service pods'
  );
}
