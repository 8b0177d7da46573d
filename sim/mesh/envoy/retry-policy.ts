/**
 * Envoy's route retry policy: which upstream outcomes a `retry_on` set retries (envoy.md §4.1,
 * `retry_state_impl.cc` wouldRetryFromHeaders / wouldRetryFromReset), and Istio's names and
 * defaults for it (envoy.md §4.6). Pure: the router asks `wouldRetry` for each attempt's outcome.
 */

/** retry_on tokens, as bits (envoy.md §4.1 table; `parseRetryOn`, retry_state_impl.cc:190-222). */
export const RetryOn = {
  '5xx': 1 << 0,
  'gateway-error': 1 << 1,
  'connect-failure': 1 << 2,
  reset: 1 << 3,
  'reset-before-request': 1 << 4,
  'retriable-4xx': 1 << 5,
  'refused-stream': 1 << 6,
  'retriable-status-codes': 1 << 7,
  'retriable-headers': 1 << 8,
  'envoy-ratelimited': 1 << 9,
  'http3-post-connect-failure': 1 << 10,
  // gRPC tokens act on grpc-status in response headers (envoy.md §4.1); the model's apps answer
  // plain HTTP, so these parse but never match.
  cancelled: 1 << 11,
  'deadline-exceeded': 1 << 12,
  internal: 1 << 13,
  'resource-exhausted': 1 << 14,
  unavailable: 1 << 15,
} as const;

export type RetryOnToken = keyof typeof RetryOn;
export const RETRY_ON_TOKENS = Object.keys(RetryOn) as RetryOnToken[];

/**
 * Why an attempt ended without (or before) a response, as Envoy's StreamResetReason classes the
 * retry decision cares about. NONE: a response arrived (its status code decides).
 */
export const ResetReason = {
  NONE: 0,
  /** LocalConnectionFailure / RemoteConnectionFailure / ConnectionTimeout: a pool connect failure (UF). */
  CONNECT_FAILURE: 1,
  /** ConnectionTermination: the connection closed mid-request (UC). */
  CONNECTION_TERMINATION: 2,
  /** RemoteRefusedStreamReset (HTTP/2 REFUSED_STREAM). */
  REFUSED_STREAM: 3,
  /** Overflow: a circuit breaker (UO). Never retried (retry_state_impl.cc:468-472). */
  OVERFLOW: 4,
  /** LocalReset: the per-try timeout fired (router.cc:1347-1374). */
  PER_TRY_TIMEOUT: 5,
} as const;

/** Istio's default retry policy (envoy.md §4.6; retry.go:35-62). */
export const ISTIO_DEFAULT_ATTEMPTS = 2;
export const ISTIO_DEFAULT_RETRY_ON = 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes';
/** Istio sets host_selection_retry_max_attempts = 5 (envoy.md §4.6); Envoy's own default is 1 (§4.1). */
export const ISTIO_HOST_SELECTION_RETRY_MAX_ATTEMPTS = 5;

export interface RetryPolicy {
  /** num_retries: retries after the first attempt (Istio `attempts`). 0 = no retry state. */
  numRetries: number;
  retryOn: number;
  /** retriable_status_codes (Istio: numeric tokens of retryOn). */
  retriableStatusCodes: readonly number[];
  /** 0 = none. Ignored when >= a non-zero route timeout (envoy.md §4.3, router.cc:256-258). */
  perTryTimeoutNs: number;
  baseIntervalMs: number;
  maxIntervalMs: number;
  /** LB picks on a retry: the previous_hosts predicate re-picks up to this + 1 times (§4.1). */
  hostSelectionRetryMaxAttempts: number;
  /** Istio's retry host predicate previous_hosts (omitted for consistent-hash LBs, §4.6). */
  previousHosts: boolean;
}

export interface ParsedRetryOn {
  bits: number;
  codes: number[];
  unknown: string[];
}

/**
 * Parses an Istio retryOn string: Envoy tokens, plus numeric tokens that become
 * retriable_status_codes with `retriable-status-codes` appended (envoy.md §4.6, retry.go:127-135).
 */
export function parseRetryOn(text: string): ParsedRetryOn {
  let bits = 0;
  const codes: number[] = [];
  const unknown: string[] = [];
  for (const raw of text.split(',')) {
    const token = raw.trim();
    if (token === '') continue;
    if (/^[0-9]{3}$/.test(token)) {
      codes.push(Number(token));
      bits |= RetryOn['retriable-status-codes'];
    } else if (Object.hasOwn(RetryOn, token)) bits |= RetryOn[token as RetryOnToken];
    else unknown.push(token);
  }
  return { bits, codes, unknown };
}

/**
 * Would Envoy retry this outcome under `policy` (before the retry limit and the retry circuit
 * breaker are consulted)? `code` is the response status when `reset` is NONE.
 */
export function wouldRetry(policy: RetryPolicy, code: number, reset: number): boolean {
  const on = policy.retryOn;
  if (reset === ResetReason.NONE) return wouldRetryFromHeaders(on, policy.retriableStatusCodes, code);
  return wouldRetryFromReset(on, reset);
}

/** retry_state_impl.cc:388-431 (envoy.md §4.1 table). */
function wouldRetryFromHeaders(on: number, codes: readonly number[], code: number): boolean {
  if (on & RetryOn['5xx'] && code >= 500 && code < 600) return true;
  if (on & RetryOn['gateway-error'] && (code === 502 || code === 503 || code === 504)) return true;
  if (on & RetryOn['retriable-4xx'] && code === 409) return true;
  if (on & RetryOn['retriable-status-codes'] && codes.includes(code)) return true;
  return false;
}

/** retry_state_impl.cc:464-518: wouldRetryFromReset. */
function wouldRetryFromReset(on: number, reset: number): boolean {
  // Overflow (a circuit breaker) is never retried (:468-472).
  if (reset === ResetReason.OVERFLOW) return false;
  // A connect failure is retried under connect-failure, and falls through to the checks below (:474-488).
  if (reset === ResetReason.CONNECT_FAILURE && on & RetryOn['connect-failure']) return true;
  // reset-before-request: any reset before the first upstream byte was sent (:500-503). A connect
  // failure and a per-try timeout qualify (envoy.md §4.3); a connection cut mid-request does not.
  if (on & RetryOn['reset-before-request'] && reset !== ResetReason.CONNECTION_TERMINATION) return true;
  // reset: any reset (:505-507); 5xx and gateway-error: also any reset (:509-513).
  if (on & (RetryOn.reset | RetryOn['5xx'] | RetryOn['gateway-error'])) return true;
  // refused-stream: RemoteRefusedStreamReset only (:515-518).
  if (reset === ResetReason.REFUSED_STREAM && on & RetryOn['refused-stream']) return true;
  return false;
}
