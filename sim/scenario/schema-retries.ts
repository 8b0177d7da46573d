/**
 * The scenario format's retry and overload parts: the VirtualService retry policy, the
 * DestinationRule connection pool (circuit breakers) and retry budget, the app's own HTTP client
 * (retries and timeout per call), and the timeline's `degrade` action. Istio's names; defaults are
 * Istio's and Envoy's (envoy.md §4.1-4.7, §5), cited per field.
 */
import { z } from 'zod';
import { parseRetryOn, RETRY_ON_TOKENS, ISTIO_DEFAULT_ATTEMPTS, ISTIO_DEFAULT_RETRY_ON } from '../mesh/envoy/retry-policy.ts';
import { suggest } from './issues.ts';
import { Duration } from './schema-units.ts';

const RetryOnText = z.string().superRefine((text, ctx) => {
  for (const token of parseRetryOn(text).unknown) {
    ctx.addIssue({ code: 'custom', message: `unknown retryOn condition '${token}'${suggest(token, RETRY_ON_TOKENS) || ` (one of ${RETRY_ON_TOKENS.join(', ')}, or a status code like 503)`}` });
  }
});

/** Istio VirtualService `http.retries` for requests to this service (envoy.md §4.6). */
export const Retries = z
  .strictObject({
    attempts: z.int().min(0).max(100).default(ISTIO_DEFAULT_ATTEMPTS).meta({
      description: "Retries after the first try (Envoy num_retries). Default 2, Istio's default retry policy (envoy.md §4.6); 0 disables retries.",
    }),
    perTryTimeout: Duration.prefault('0s').meta({
      description: 'Timeout of each try (504 UT if not retried); ignored if >= the route timeout. 0s: none, Istio default (envoy.md §4.3, §4.6).',
    }),
    retryOn: RetryOnText.default(ISTIO_DEFAULT_RETRY_ON).meta({
      description: `Envoy retry_on conditions, comma-separated; numbers are retriable status codes. Default "${ISTIO_DEFAULT_RETRY_ON}" (Istio, envoy.md §4.6): 5xx and per-try timeouts are not retried by default.`,
    }),
    retryRemoteLocalities: z.boolean().default(false).meta({
      description: "Istio's previous_priorities predicate: retries prefer other localities. The model has one locality, so it changes nothing.",
    }),
    backoff: Duration.prefault('25ms').meta({
      description: 'Base interval of Envoy\'s jittered exponential backoff; the max is 10 x base. Default 25ms (envoy.md §4.2).',
    }),
  })
  .meta({ description: 'VirtualService retry policy for requests to this service. Istio\'s default retry policy applies when absent (envoy.md §4.6).' });

/** Only values > 0 are applied; unset means Istio's MaxUint32 (envoy.md §4.7). */
const Threshold = z.int().min(1).max(4294967295);

/** Istio DestinationRule `trafficPolicy.connectionPool` (envoy.md §4.7 mapping; §5 semantics). */
export const ConnectionPool = z
  .strictObject({
    tcp: z
      .strictObject({
        maxConnections: Threshold.optional().meta({ description: 'Envoy max_connections per (proxy, cluster). Unset: MaxUint32 (Istio, envoy.md §4.7).' }),
        connectTimeout: Duration.optional().meta({ description: 'DestinationRule connectionPool.tcp.connectTimeout. Default: mesh.connectTimeout.' }),
      })
      .prefault({}),
    http: z
      .strictObject({
        http1MaxPendingRequests: Threshold.optional().meta({ description: 'Envoy max_pending_requests: requests waiting for a connection. Unset: MaxUint32.' }),
        http2MaxRequests: Threshold.optional().meta({ description: 'Envoy max_requests: requests in flight per (proxy, cluster). Unset: MaxUint32.' }),
        maxRetries: Threshold.optional().meta({ description: 'Envoy max_retries: concurrent retries per (proxy, cluster). Unset: MaxUint32 (Istio); Envoy alone would use 3 (envoy.md §4.4, §4.7).' }),
        idleTimeout: Duration.prefault('1h').meta({ description: 'connectionPool.http.idleTimeout: an idle upstream connection closes after this. Envoy and Istio default 1h (conntrack.md §3.1).' }),
        maxRequestsPerConnection: z.int().min(0).max(1_000_000).default(0).meta({ description: 'connectionPool.http.maxRequestsPerConnection; 0 = unlimited (Istio default, envoy.md §4.7).' }),
        h2UpgradePolicy: z.enum(['DO_NOT_UPGRADE', 'UPGRADE']).default('DO_NOT_UPGRADE').meta({
          description: 'UPGRADE: HTTP/2 between sidecars, one multiplexed connection per pool (conntrack.md §3.1). Default DO_NOT_UPGRADE: HTTP/1.1, one request per connection at a time.',
        }),
      })
      .prefault({}),
  })
  .meta({ description: 'Circuit breakers per calling proxy and cluster (overflow answers 503 UO, envoy.md §5), and the pools\' connection settings (used when cluster.conntrack.enabled).' });

/** Istio DestinationRule `trafficPolicy.retryBudget` -> Envoy retry_budget (envoy.md §4.4, §4.7). */
export const RetryBudget = z
  .strictObject({
    percent: z.number().min(0).max(100).default(20).meta({ description: 'budget_percent of active + pending requests that may be retries. Default 20 (envoy.md §4.4).' }),
    minRetryConcurrency: z.int().min(0).max(4294967295).default(3).meta({ description: 'Retries always allowed in flight. Default 3 (envoy.md §4.4).' }),
  })
  .meta({ description: 'Replaces maxRetries with a budget: max(percent x (active + pending), minRetryConcurrency) concurrent retries.' });

const Backoff = z
  .strictObject({
    base: Duration.meta({ description: 'Wait before the first retry (doubling each retry).' }),
    max: Duration.optional().meta({ description: 'Largest wait. Default 10 x base.' }),
    jitter: z.boolean().default(false).meta({ description: 'Full jitter: wait uniform in [0, interval) as Envoy does. Default false (a fixed wait).' }),
  })
  .refine((b) => b.max === undefined || b.max >= b.base, { error: 'max must be >= base', path: ['max'] });

/** The calling app's own HTTP client for one call: its tries, per-try timeout and backoff. */
export const AppClient = z
  .strictObject({
    attempts: z.int().min(1).max(100).default(1).meta({ description: 'Tries in all, each a new request through the sidecar (PagerDuty\'s library: 3). Default 1.' }),
    timeout: Duration.prefault('0s').meta({ description: 'The app gives up on a try after this long (code 0 DC at its sidecar) and retries. 0s: no timeout.' }),
    backoff: z
      .union([Duration, Backoff], { error: 'backoff is a duration (a fixed wait, e.g. 250ms) or {base, max, jitter}' })
      .prefault('0s')
      .meta({ description: 'Wait between tries: a fixed duration, or {base, max, jitter} exponential. Default 0s.' }),
  })
  .meta({ description: 'The app retries a failed or timed-out call itself, on top of its sidecar\'s retries.' });

/** Timeline: slow a service down and/or make it fail for a while. */
export const Degrade = z
  .strictObject({
    service: z.string(),
    serviceTimeFactor: z.number().min(0).max(10_000).default(1).meta({ description: 'Multiplies every serviceTime sample.' }),
    errorRate: z.number().min(0).max(1).default(0).meta({ description: 'Share of requests its app answers 500 after its own work.' }),
    for: Duration.optional().meta({ description: 'How long; default: to the end of the run.' }),
  })
  .meta({ description: 'Degrade a service for a window (a trigger that ends: does the system recover?).' });

export type RetriesParsed = z.output<typeof Retries>;
export type ConnectionPoolParsed = z.output<typeof ConnectionPool>;
export type AppClientParsed = z.output<typeof AppClient>;
