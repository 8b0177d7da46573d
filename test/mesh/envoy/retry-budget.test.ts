import { describe, expect, it } from 'vitest';
import { canCreateRetry, maxRetries, retryBudgetWithDefaults } from '../../../sim/mesh/envoy/retry-budget.ts';
import { compileCircuitBreaker } from '../../../sim/mesh/envoy/circuit-breaker.ts';
import { ConnectionPool } from '../../../sim/scenario/schema-retries.ts';

// envoy.md §10.8 Table G, rows RB-1 to RB-3.
describe('retry budget and max_retries (envoy.md §4.4, Table G)', () => {
  it('RB-1 RetryBudgetDefaultPopulation: no budget, {}, budget_percent 42, min_retry_concurrency 123', () => {
    expect(retryBudgetWithDefaults(undefined)).toBeUndefined();
    expect(retryBudgetWithDefaults({})).toEqual({ budgetPercent: 20, minRetryConcurrency: 3 });
    expect(retryBudgetWithDefaults({ budgetPercent: 42 })).toEqual({ budgetPercent: 42, minRetryConcurrency: 3 });
    expect(retryBudgetWithDefaults({ minRetryConcurrency: 123 })).toEqual({ budgetPercent: 20, minRetryConcurrency: 123 });
    // Without a budget the max_retries threshold applies as it is (Envoy's own default is 3).
    expect(maxRetries(3, undefined, 1000, 1000)).toBe(3);
  });

  it('RB-2 RetryBudgetOverrideGauge: budget 20%, min 5, nothing active gives max 5', () => {
    expect(maxRetries(3, { budgetPercent: 20, minRetryConcurrency: 5 }, 0, 0)).toBe(5);
  });

  it('RB-3: budget 20%, min 3: 100 active + 0 pending gives 20; 10 active gives 3', () => {
    const budget = { budgetPercent: 20, minRetryConcurrency: 3 };
    expect(maxRetries(3, budget, 100, 0)).toBe(20);
    expect(maxRetries(3, budget, 10, 0)).toBe(3);
    expect(maxRetries(3, budget, 60, 40)).toBe(20);
  });

  it('canCreate is retries_in_flight < max: overflow at exactly the limit', () => {
    expect(canCreateRetry(2, 3, undefined, 0, 0)).toBe(true);
    expect(canCreateRetry(3, 3, undefined, 0, 0)).toBe(false);
    const budget = { budgetPercent: 20, minRetryConcurrency: 3 };
    expect(canCreateRetry(19, 3, budget, 100, 0)).toBe(true);
    expect(canCreateRetry(20, 3, budget, 100, 0)).toBe(false);
  });

  it("Istio's DestinationRule leaves every threshold at MaxUint32 unless set, and maps its names to Envoy's (envoy.md §4.7)", () => {
    const none = compileCircuitBreaker(ConnectionPool.parse({}), undefined);
    expect(none).toEqual({ maxConnections: 4294967295, maxPendingRequests: 4294967295, maxRequests: 4294967295, maxRetries: 4294967295, retryBudget: undefined, limitsRequests: false });
    const set = compileCircuitBreaker(ConnectionPool.parse({ tcp: { maxConnections: 1 }, http: { http1MaxPendingRequests: 2, http2MaxRequests: 3, maxRetries: 4 } }), { percent: 20, minRetryConcurrency: 3 });
    expect(set).toEqual({ maxConnections: 1, maxPendingRequests: 2, maxRequests: 3, maxRetries: 4, retryBudget: { budgetPercent: 20, minRetryConcurrency: 3 }, limitsRequests: true });
  });
});
