/**
 * The retries resource of a cluster's circuit breaker (envoy.md §4.4, §5): either the
 * `max_retries` threshold, or a retry budget that replaces it (resource_manager_impl.h:140-157):
 *
 *   max = max(budget_percent/100 * (active_requests + pending_requests), min_retry_concurrency)
 *   canCreate = retries_in_flight < max
 */

export interface RetryBudget {
  budgetPercent: number;
  minRetryConcurrency: number;
}

/** envoy.md §4.4: a present `retry_budget` defaults to 20% and 3 (upstream_impl.cc:2019-2035). */
export const DEFAULT_BUDGET_PERCENT = 20;
export const DEFAULT_MIN_RETRY_CONCURRENCY = 3;
/** envoy.md §5: Envoy's max_retries default (upstream_impl.cc:2055). Istio sets MaxUint32 (§4.7). */
export const ENVOY_DEFAULT_MAX_RETRIES = 3;
export const MAX_UINT32 = 4294967295;

/** RB-1: a configured budget with Envoy's defaults filled in; undefined when there is none. */
export function retryBudgetWithDefaults(budget: Partial<RetryBudget> | undefined): RetryBudget | undefined {
  if (budget === undefined) return undefined;
  return {
    budgetPercent: budget.budgetPercent ?? DEFAULT_BUDGET_PERCENT,
    minRetryConcurrency: budget.minRetryConcurrency ?? DEFAULT_MIN_RETRY_CONCURRENCY,
  };
}

/** `retries().max()`: concurrent retries allowed now. */
export function maxRetries(maxRetriesThreshold: number, budget: RetryBudget | undefined, activeRequests: number, pendingRequests: number): number {
  if (budget === undefined) return maxRetriesThreshold;
  // resource_manager_impl.h:145-156: a double product truncated to an integer count.
  const fromBudget = Math.floor((budget.budgetPercent / 100) * (activeRequests + pendingRequests));
  return Math.max(fromBudget, budget.minRetryConcurrency);
}

export function canCreateRetry(retriesInFlight: number, maxRetriesThreshold: number, budget: RetryBudget | undefined, activeRequests: number, pendingRequests: number): boolean {
  return retriesInFlight < maxRetries(maxRetriesThreshold, budget, activeRequests, pendingRequests);
}
