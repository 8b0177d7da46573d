/**
 * istiod's push queue (pilot/pkg/xds/pushqueue.go, kubernetes-istio.md §4.2): a FIFO of proxy
 * connections. Enqueueing a proxy that is already waiting merges into its entry, and one that
 * is being pushed to is marked to go again when that push is acknowledged, so each proxy has at
 * most one push pending and one in flight. At most `throttle` pushes are in flight at once
 * (PILOT_PUSH_THROTTLE); a push holds its slot until the proxy has applied it.
 */
import { grownFor } from '../typed-arrays.ts';

const WAITING = 1;
const IN_FLIGHT = 2;
const AGAIN = 4;
const FULL = 8;

export class PushQueue {
  readonly throttle: number;
  inFlight = 0;
  private ring = new Int32Array(1024);
  private head = 0;
  private size = 0;
  private flags = new Uint8Array(1024);

  constructor(throttle: number) {
    this.throttle = throttle;
  }

  /** Asks for a push to `proxy`; `full` asks for its whole config (a new connection). */
  enqueue(proxy: number, full: boolean): void {
    this.ensure(proxy);
    const f = this.flags[proxy]!;
    if (full) this.flags[proxy] = f | FULL;
    if (f & WAITING) return; // merged into the waiting entry
    if (f & IN_FLIGHT) {
      this.flags[proxy] = this.flags[proxy]! | AGAIN;
      return;
    }
    this.flags[proxy] = this.flags[proxy]! | WAITING;
    this.pushRing(proxy);
  }

  /**
   * The next proxy to push to if a slot is free, or -1; it is then in flight, and `wasFull`
   * tells whether it asked for its whole config.
   */
  next(): number {
    if (this.inFlight >= this.throttle || this.size === 0) return -1;
    const proxy = this.ring[this.head]!;
    this.head = (this.head + 1) % this.ring.length;
    this.size--;
    this.flags[proxy] = (this.flags[proxy]! & ~WAITING) | IN_FLIGHT;
    this.inFlight++;
    return proxy;
  }

  /** Whether the push just dequeued for `proxy` is a full one; clears the request. */
  takeFull(proxy: number): boolean {
    const full = (this.flags[proxy]! & FULL) !== 0;
    this.flags[proxy] = this.flags[proxy]! & ~FULL;
    return full;
  }

  /** The proxy applied (or dropped) its in-flight push; re-enqueues it if more came meanwhile. */
  done(proxy: number): void {
    const f = this.flags[proxy]!;
    if (!(f & IN_FLIGHT)) return;
    this.inFlight--;
    this.flags[proxy] = f & ~(IN_FLIGHT | AGAIN);
    if (f & AGAIN) this.enqueue(proxy, false);
  }

  /** A disconnected proxy: forget its requests (a waiting entry is skipped when dequeued). */
  forget(proxy: number): void {
    if (proxy >= this.flags.length) return;
    if (this.flags[proxy]! & IN_FLIGHT) this.inFlight--;
    this.flags[proxy] = 0;
    // A WAITING entry stays in the ring; next() is only called through Istiod.pump, which skips
    // proxies that are no longer connected.
  }

  get waiting(): number {
    return this.size;
  }

  private pushRing(proxy: number): void {
    if (this.size === this.ring.length) {
      const bigger = new Int32Array(this.ring.length * 2);
      for (let i = 0; i < this.size; i++) bigger[i] = this.ring[(this.head + i) % this.ring.length]!;
      this.ring = bigger;
      this.head = 0;
    }
    this.ring[(this.head + this.size) % this.ring.length] = proxy;
    this.size++;
  }

  private ensure(proxy: number): void {
    this.flags = grownFor(this.flags, proxy);
  }
}
