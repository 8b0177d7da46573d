/**
 * A cluster's circuit breakers as one calling proxy sees them (envoy.md §5): thresholds from the
 * DestinationRule's connectionPool (Istio's names, mapped as envoy.md §4.7 says), and the
 * per-(proxy, cluster) counts they are checked against. Istio sets every threshold to MaxUint32
 * unless the DestinationRule gives one (§4.7), so Envoy's 1024/1024/1024/3 never apply here.
 */
import type { ConnectionPoolParsed } from '../../scenario/schema-retries.ts';
import { MAX_UINT32, retryBudgetWithDefaults, type RetryBudget } from './retry-budget.ts';

export interface CircuitBreakerThresholds {
  maxConnections: number;
  maxPendingRequests: number;
  maxRequests: number;
  maxRetries: number;
  /** Present when the DestinationRule has a retryBudget: it replaces maxRetries (§4.4). */
  retryBudget: RetryBudget | undefined;
  /** Any of maxConnections / maxPendingRequests / maxRequests set: the router has to count. */
  limitsRequests: boolean;
}

export function compileCircuitBreaker(pool: ConnectionPoolParsed, budget: { percent: number; minRetryConcurrency: number } | undefined): CircuitBreakerThresholds {
  const maxConnections = pool.tcp.maxConnections ?? MAX_UINT32;
  const maxPendingRequests = pool.http.http1MaxPendingRequests ?? MAX_UINT32;
  const maxRequests = pool.http.http2MaxRequests ?? MAX_UINT32;
  return {
    maxConnections,
    maxPendingRequests,
    maxRequests,
    maxRetries: pool.http.maxRetries ?? MAX_UINT32,
    retryBudget: retryBudgetWithDefaults(budget && { budgetPercent: budget.percent, minRetryConcurrency: budget.minRetryConcurrency }),
    limitsRequests: maxConnections < MAX_UINT32 || maxPendingRequests < MAX_UINT32 || maxRequests < MAX_UINT32,
  };
}

/**
 * Per (calling proxy, cluster) resource counts, in flat typed arrays indexed by the router's LB
 * cell (pod x upstream slot): no per-pair objects at 4000 pods.
 */
export class ClusterResources {
  /** Upstream requests in flight (attached to a connection): rq_active of the cluster. */
  active = new Int32Array(1024);
  /**
   * Requests waiting for a connection: in the router's FIFO (max_connections reached), or in a
   * connection pool waiting for a connect (upstream_rq_pending_active).
   */
  pending = new Int32Array(1024);
  /** Of those, the ones in a pool waiting for a connect: each HTTP/1.1 one has a connection coming. */
  connecting = new Int32Array(1024);
  /** Retries scheduled and not yet resolved (retries().inc() .. resetRetry(), §4.4). */
  retries = new Int32Array(1024);
  /** FIFO of pending attempt rows per cell (head, tail); NONE = -1. */
  pendingHead = new Int32Array(1024).fill(-1);
  pendingTail = new Int32Array(1024).fill(-1);

  ensure(cell: number): void {
    if (cell < this.active.length) return;
    let n = this.active.length;
    while (n <= cell) n *= 2;
    this.active = grow(this.active, n, 0);
    this.pending = grow(this.pending, n, 0);
    this.connecting = grow(this.connecting, n, 0);
    this.retries = grow(this.retries, n, 0);
    this.pendingHead = grow(this.pendingHead, n, -1);
    this.pendingTail = grow(this.pendingTail, n, -1);
  }
}

function grow(a: Int32Array, n: number, fill: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(n).fill(fill);
  b.set(a);
  return b;
}
