/**
 * A lone-connection pool: the state of most pools at scale, kept in the pool's slot itself
 * (pool-slots.ts) instead of a full record. It has exactly one open HTTP/1.1 connection, no
 * connect in flight, no requests waiting, no per-connection request limit, and a live host; the
 * first event that breaks this (a second request while it is busy, a close, a gone host) moves
 * it to a full record, once (connection-pool.ts `promote`).
 *
 * Encoding: slot = -(1 + busy + 2 x queued + 4 x deadlineSlot), always negative. `deadlineSlot`
 * is the idle-wheel slot at which the pool's idle timeout comes due, ceil((went idle + idle
 * timeout) / slot): the tick that closes it is the one a full record's exact idle clock picks
 * (the first tick at or after idle + timeout), so the two forms give the same run.
 *
 * NOTE (hot path): this representation exists for memory traffic alone (pool-slots.ts).
 */
export const LONE_BUSY_NEW = -2; // busy, not queued, no deadline yet
/**
 * Deadline slots above this do not fit the Int16 slot: 8191 wheel slots, 2 h 16 min of the
 * default 1 s slots, idle timeout included (a 1 h idle timeout: pools that go idle in the first
 * 76 min). A pool freed later gets a full record: the same run, with less of it in slots.
 */
export const MAX_DEADLINE_SLOT = 8191;

export function lone(busy: boolean, queued: boolean, deadlineSlot: number): number {
  return -(1 + (busy ? 1 : 0) + (queued ? 2 : 0) + deadlineSlot * 4);
}

export function isLone(slot: number): boolean {
  return slot < 0;
}

export function loneBusy(slot: number): boolean {
  return ((-slot - 1) & 1) !== 0;
}

export function loneQueued(slot: number): boolean {
  return ((-slot - 1) & 2) !== 0;
}

export function loneDeadlineSlot(slot: number): number {
  return (-slot - 1) >>> 2;
}

/** The lone pool `slot` with its connection taken (it was idle). */
export function loneTaken(slot: number): number {
  return slot - 1;
}
