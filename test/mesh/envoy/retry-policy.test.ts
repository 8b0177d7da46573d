import { describe, expect, it } from 'vitest';
import { ISTIO_DEFAULT_RETRY_ON, parseRetryOn, ResetReason, wouldRetry, type RetryPolicy } from '../../../sim/mesh/envoy/retry-policy.ts';

function policy(retryOn: string): RetryPolicy {
  const p = parseRetryOn(retryOn);
  expect(p.unknown).toEqual([]);
  return { numRetries: 2, retryOn: p.bits, retriableStatusCodes: p.codes, perTryTimeoutNs: 0, baseIntervalMs: 25, maxIntervalMs: 250, hostSelectionRetryMaxAttempts: 5, previousHosts: true };
}

/** Every outcome the model produces, as the retry decision sees it. */
const OUTCOMES = {
  '200': [200, ResetReason.NONE],
  '409': [409, ResetReason.NONE],
  '500': [500, ResetReason.NONE],
  '503 response': [503, ResetReason.NONE],
  '504 response': [504, ResetReason.NONE],
  'connect failure (UF)': [503, ResetReason.CONNECT_FAILURE],
  'connection termination (UC)': [503, ResetReason.CONNECTION_TERMINATION],
  'refused stream': [503, ResetReason.REFUSED_STREAM],
  'per-try timeout': [504, ResetReason.PER_TRY_TIMEOUT],
  'overflow (UO)': [503, ResetReason.OVERFLOW],
} as const;
type Outcome = keyof typeof OUTCOMES;

// envoy.md §4.1 token table and §4.3 (per-try timeouts: LocalReset), derived from
// retry_state_impl.cc wouldRetryFromHeaders / wouldRetryFromReset. Overflow is never retried.
const RETRIED: Record<string, Outcome[]> = {
  '5xx': ['500', '503 response', '504 response', 'connect failure (UF)', 'connection termination (UC)', 'refused stream', 'per-try timeout'],
  'gateway-error': ['503 response', '504 response', 'connect failure (UF)', 'connection termination (UC)', 'refused stream', 'per-try timeout'],
  'connect-failure': ['connect failure (UF)'],
  reset: ['connect failure (UF)', 'connection termination (UC)', 'refused stream', 'per-try timeout'],
  'reset-before-request': ['connect failure (UF)', 'refused stream', 'per-try timeout'],
  'retriable-4xx': ['409'],
  'refused-stream': ['refused stream'],
  'retriable-status-codes': [],
  '503': ['503 response'],
  '409,500': ['409', '500'],
  unavailable: [],
  cancelled: [],
  'deadline-exceeded': [],
  internal: [],
  'resource-exhausted': [],
  'envoy-ratelimited': [],
  'retriable-headers': [],
  [ISTIO_DEFAULT_RETRY_ON]: ['connect failure (UF)', 'refused stream'],
};

describe('which outcomes each retryOn condition retries (envoy.md §4.1, §4.3, §4.6)', () => {
  for (const [retryOn, retried] of Object.entries(RETRIED)) {
    it(`retryOn "${retryOn}" retries exactly: ${retried.join(', ') || 'nothing the model produces'}`, () => {
      const p = policy(retryOn);
      const got = (Object.keys(OUTCOMES) as Outcome[]).filter((o) => wouldRetry(p, OUTCOMES[o][0], OUTCOMES[o][1]));
      expect(got).toEqual(retried);
    });
  }

  it("Istio's default retries neither 5xx responses nor per-try timeouts (envoy.md §4.6)", () => {
    const p = policy(ISTIO_DEFAULT_RETRY_ON);
    expect(wouldRetry(p, 503, ResetReason.NONE)).toBe(false);
    expect(wouldRetry(p, 504, ResetReason.PER_TRY_TIMEOUT)).toBe(false);
  });

  it('numeric tokens become retriable status codes and switch on retriable-status-codes (retry.go:127-135)', () => {
    expect(parseRetryOn('503, 429 ,connect-failure')).toEqual({ bits: parseRetryOn('retriable-status-codes,connect-failure').bits, codes: [503, 429], unknown: [] });
    expect(parseRetryOn('5xx,bogus').unknown).toEqual(['bogus']);
  });
});
