import type { Scheduler } from '../../engine/index.ts';
import { EventKind } from '../event-kinds.ts';
import { CT_ESTABLISHED, CT_SYN_SENT } from './conntrack-states.ts';
import type { ConntrackTables } from './conntrack-tables.ts';
import type { SynSchedule } from './syn-retransmit.ts';

/** The conntrack tables one TCP flow passes, in the order its SYN meets them (at most 4). */
export const MAX_PATH = 4;
/** Returned by `connect` when the first SYN got through every table. */
export const CONNECTED = -1;

export interface ConnectCallbacks {
  /** A retransmitted SYN got through: the attempt's entries are ESTABLISHED, held by the connection now. */
  established(owner: number, attempt: number): void;
  /** The kernel gave up (ETIMEDOUT, conntrack.md §2.1) before anyone abandoned the attempt. */
  timedOut(owner: number, attempt: number): void;
}

/**
 * Client-side TCP connects through conntrack (conntrack.md §6.2 rule 1): each SYN must be
 * admitted by every table on the path that has no entry for the flow yet; a table that is full
 * drops it silently (no RST, §1.4), the tables before it keep their SYN_SENT entries (§2.1), and
 * the kernel retransmits on its schedule (§2.1) until one gets through, the kernel gives up, or
 * the owner (Envoy's connect timeout, §2.2) abandons the attempt. A SYN that gets through
 * completes the handshake at once: SYN_RECV lasts a round trip and is not kept.
 *
 * Attempts that get through on the first SYN (the common case) cost no event and no record;
 * only attempts waiting on a retransmit are stored (struct-of-arrays, recycled).
 */
export class TcpConnects {
  private readonly sim: Scheduler;
  private readonly tables: ConntrackTables;
  private readonly schedule: SynSchedule;
  private readonly callbacks: ConnectCallbacks;
  private cap = 0;
  private path = new Int32Array(0);
  private pathLen = new Uint8Array(0);
  /** When each path table's SYN_SENT entry was made, -1 if that table has none yet. */
  private heldSinceNs = new Float64Array(0);
  private synIndex = new Uint8Array(0);
  private startNs = new Float64Array(0);
  private deadlineNs = new Float64Array(0);
  private owner = new Int32Array(0);
  gen = new Int32Array(0);
  private free: number[] = [];
  /** Attempts waiting on a retransmit right now (the checker's "still waiting"). */
  waiting = 0;
  /** SYNs sent, and dropped by a full table, over the run. */
  synsSent = 0;
  synsDropped = 0;
  /**
   * Connect outcomes (conntrack.md §6.3): `establishedBySyn[k]` connects got through on SYN k,
   * sent `schedule.sendOffsetsNs[k]` after the first, so the connect latency histogram is exact
   * (atoms at 0, 1, 3, 7, ... s); `abandoned` ones were closed by their owner first (Envoy's
   * connect timeout), `timedOut` ones by the kernel (ETIMEDOUT).
   */
  readonly establishedBySyn: Float64Array;
  /** connect() calls over the run: each ends in one of the outcomes above, or is still waiting. */
  started = 0;
  abandoned = 0;
  timedOut = 0;

  constructor(sim: Scheduler, tables: ConntrackTables, schedule: SynSchedule, callbacks: ConnectCallbacks) {
    this.sim = sim;
    this.tables = tables;
    this.schedule = schedule;
    this.callbacks = callbacks;
    this.establishedBySyn = new Float64Array(schedule.sendOffsetsNs.length);
  }

  get synSchedule(): SynSchedule {
    return this.schedule;
  }

  /**
   * connect(): sends the first SYN through `path[0..len)`. Returns CONNECTED, with the path's
   * entries ESTABLISHED and held by the caller, or the id of an attempt now waiting on a
   * retransmit. Retransmits at or after `deadlineNs` are not scheduled (the owner abandons first).
   */
  connect(path: Int32Array, len: number, owner: number, deadlineNs: number): number {
    const tables = this.tables;
    this.started++;
    this.synsSent++;
    let i = 0;
    while (i < len && tables.admitSyn(path[i]!)) i++;
    if (i === len) {
      for (let j = 0; j < len; j++) tables.transition(path[j]!, CT_SYN_SENT, CT_ESTABLISHED);
      this.establishedBySyn[0]!++;
      return CONNECTED;
    }
    this.synsDropped++;
    const a = this.alloc();
    const now = this.sim.nowNs;
    for (let j = 0; j < MAX_PATH; j++) {
      this.path[a * MAX_PATH + j] = j < len ? path[j]! : -1;
      this.heldSinceNs[a * MAX_PATH + j] = j < i ? now : -1;
    }
    this.pathLen[a] = len;
    this.synIndex[a] = 0;
    this.startNs[a] = now;
    this.deadlineNs[a] = deadlineNs;
    this.owner[a] = owner;
    this.scheduleNext(a);
    return a;
  }

  ownerOf(a: number): number {
    return this.owner[a]!;
  }

  /** The next SYN of attempt a is due. */
  onRetransmit(a: number, gen: number): void {
    if (this.gen[a] !== gen) return; // abandoned meanwhile
    const tables = this.tables;
    const now = this.sim.nowNs;
    const base = a * MAX_PATH;
    const len = this.pathLen[a]!;
    this.synIndex[a]!++;
    this.synsSent++;
    for (let j = 0; j < len; j++) {
      if (this.heldSinceNs[base + j]! >= 0) continue; // §2.1: an existing entry lets it pass, not renewed
      if (!tables.admitSyn(this.path[base + j]!)) {
        this.synsDropped++;
        this.scheduleNext(a);
        return;
      }
      this.heldSinceNs[base + j] = now;
    }
    for (let j = 0; j < len; j++) tables.transition(this.path[base + j]!, CT_SYN_SENT, CT_ESTABLISHED);
    this.establishedBySyn[this.synIndex[a]!]!++;
    const owner = this.owner[a]!;
    this.recycle(a);
    this.callbacks.established(owner, a);
  }

  /** The kernel's last wait ran out: ETIMEDOUT. */
  onGiveUp(a: number, gen: number): void {
    if (this.gen[a] !== gen) return;
    const owner = this.owner[a]!;
    this.timedOut++;
    this.close(a);
    this.callbacks.timedOut(owner, a);
  }

  /** The owner closes the socket before the handshake (Envoy's connect timeout, §2.2). */
  abandon(a: number): void {
    this.abandoned++;
    this.close(a);
  }

  /** The socket closes before the handshake: SYN_SENT entries stay until their own timeout (§2.2). */
  private close(a: number): void {
    const now = this.sim.nowNs;
    const base = a * MAX_PATH;
    for (let j = 0; j < this.pathLen[a]!; j++) {
      const since = this.heldSinceNs[base + j]!;
      if (since >= 0) this.tables.release(this.path[base + j]!, CT_SYN_SENT, CT_SYN_SENT, since, now);
    }
    this.recycle(a);
  }

  private scheduleNext(a: number): void {
    const offsets = this.schedule.sendOffsetsNs;
    const k = this.synIndex[a]! + 1;
    const atNs = this.startNs[a]! + (k < offsets.length ? offsets[k]! : this.schedule.giveUpNs);
    if (atNs >= this.deadlineNs[a]!) return;
    this.sim.post(atNs, k < offsets.length ? EventKind.SYN_RETRANSMIT : EventKind.TCP_CONNECT_GIVE_UP, a, this.gen[a]!);
  }

  private alloc(): number {
    this.waiting++;
    const a = this.free.pop();
    if (a !== undefined) return a;
    if (this.cap === this.owner.length) this.grow();
    return this.cap++;
  }

  private recycle(a: number): void {
    this.waiting--;
    this.gen[a]!++;
    this.free.push(a);
  }

  private grow(): void {
    const n = Math.max(64, this.owner.length * 2);
    const g = <T extends Int32Array | Uint8Array | Float64Array>(a: T, b: T): T => {
      b.set(a as never);
      return b;
    };
    this.path = g(this.path, new Int32Array(n * MAX_PATH));
    this.heldSinceNs = g(this.heldSinceNs, new Float64Array(n * MAX_PATH));
    this.pathLen = g(this.pathLen, new Uint8Array(n));
    this.synIndex = g(this.synIndex, new Uint8Array(n));
    this.startNs = g(this.startNs, new Float64Array(n));
    this.deadlineNs = g(this.deadlineNs, new Float64Array(n));
    this.owner = g(this.owner, new Int32Array(n));
    this.gen = g(this.gen, new Int32Array(n));
  }
}
