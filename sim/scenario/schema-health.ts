/**
 * The scenario format's host-health parts: Envoy's active health checking, outlier detection and
 * the cluster's load-balancing health options (`services.X.envoy`, Envoy's own field names in
 * camelCase), and Istio's DestinationRule `trafficPolicy.outlierDetection` (Istio's names, mapped
 * as envoy.md §4.7 says). Defaults are Envoy's (envoy.md §2.4, §3.1), cited per field.
 */
import { z } from 'zod';
import { Duration } from './schema-units.ts';

const Percent = z.number().min(0).max(100);

/** Envoy's proto requires these > 0; 1 ms is the floor Envoy clamps HC intervals to (§2.4). */
const AtLeast1ms = Duration.refine((ns) => ns >= 1_000_000, { error: 'must be at least 1ms' });

/** envoy.md §2.4: HealthCheck proto fields; timeout, interval and the thresholds are required in Envoy. */
export const HealthCheck = z
  .strictObject({
    timeout: AtLeast1ms.meta({ description: 'No answer within this is a timeout (a network-type failure). Required (§2.4).' }),
    interval: AtLeast1ms.meta({ description: 'Between a check\'s answer and the next check. Required (§2.4).' }),
    unhealthyThreshold: z.int().min(1).max(1000).meta({ description: 'Consecutive network-type failures that make a host unhealthy. Required (§2.4).' }),
    healthyThreshold: z.int().min(1).max(1000).meta({ description: 'Consecutive successes that make an unhealthy host healthy (the first check ever needs only one). Required (§2.4).' }),
    noTrafficInterval: Duration.prefault('60s').meta({ description: 'Interval while the cluster has never had traffic. Default 60s (§2.4).' }),
    noTrafficHealthyInterval: Duration.optional().meta({ description: 'As noTrafficInterval, for healthy hosts. Default noTrafficInterval (§2.4).' }),
    unhealthyInterval: Duration.optional().meta({ description: 'Interval for an unhealthy host. Default interval (§2.4).' }),
    unhealthyEdgeInterval: Duration.optional().meta({ description: 'Interval after the first failure of a healthy host, until it is marked. Default unhealthyInterval (§2.4).' }),
    healthyEdgeInterval: Duration.optional().meta({ description: 'Interval after the first success of an unhealthy host, until it is marked. Default interval (§2.4).' }),
    initialJitter: Duration.prefault('0s').meta({ description: 'The first check of a new host waits random % initialJitter. Default 0: at once (§2.4).' }),
    intervalJitter: Duration.prefault('0s').meta({ description: 'Adds random % intervalJitter to every interval. Default 0 (§2.4).' }),
    intervalJitterPercent: z.int().min(0).max(100).default(0).meta({ description: 'Adds random % (percent x interval / 100). Default 0 (§2.4).' }),
  })
  .meta({ description: 'Envoy active health checking of this service\'s endpoints by every proxy that calls it (envoy.md §2.4).' });

/** envoy.md §3.1: OutlierDetection proto fields and Envoy's defaults. */
export const EnvoyOutlierDetection = z
  .strictObject({
    interval: AtLeast1ms.prefault('10s').meta({ description: 'Ejection sweep interval. Default 10s.' }),
    baseEjectionTime: Duration.prefault('30s').meta({ description: 'Ejection time = base x ejection count. Default 30s.' }),
    maxEjectionTime: Duration.optional().meta({ description: 'Cap on the ejection time. Default max(300s, baseEjectionTime).' }),
    maxEjectionPercent: Percent.default(10).meta({ description: 'Most hosts ejected at once, in percent. Default 10.' }),
    alwaysEjectOneHost: z.boolean().default(false),
    consecutive5xx: z.int().min(1).max(100_000).default(5),
    enforcingConsecutive5xx: Percent.default(100),
    consecutiveGatewayFailure: z.int().min(1).max(100_000).default(5),
    enforcingConsecutiveGatewayFailure: Percent.default(0).meta({ description: 'Default 0: detected, not enforced (§3.1).' }),
    consecutiveLocalOriginFailure: z.int().min(1).max(100_000).default(5),
    enforcingConsecutiveLocalOriginFailure: Percent.default(100),
    splitExternalLocalOriginErrors: z.boolean().default(false).meta({ description: 'Count connect failures, resets and timeouts apart from HTTP 5xx (§3.2).' }),
    successRateMinimumHosts: z.int().min(0).max(100_000).default(5),
    successRateRequestVolume: z.int().min(1).max(10_000_000).default(100),
    successRateStdevFactor: z.int().min(0).max(100_000).default(1900).meta({ description: 'Thousandths: 1900 means 1.9.' }),
    enforcingSuccessRate: Percent.default(100),
    failurePercentageThreshold: Percent.default(85),
    failurePercentageMinimumHosts: z.int().min(0).max(100_000).default(5),
    failurePercentageRequestVolume: z.int().min(1).max(10_000_000).default(50),
    enforcingFailurePercentage: Percent.default(0),
    successfulActiveHealthCheckUnejectHost: z.boolean().default(true),
  })
  .meta({ description: 'Envoy outlier detection with Envoy\'s names and defaults (envoy.md §3.1).' });

/** Istio DestinationRule outlierDetection (envoy.md §4.7), Istio's names and API defaults. */
export const IstioOutlierDetection = z
  .strictObject({
    consecutive5xxErrors: z.int().min(0).max(100_000).default(5),
    consecutiveGatewayErrors: z.int().min(0).max(100_000).default(0),
    consecutiveLocalOriginFailures: z.int().min(0).max(100_000).default(5),
    splitExternalLocalOriginErrors: z.boolean().default(false),
    interval: AtLeast1ms.prefault('10s'),
    baseEjectionTime: Duration.prefault('30s'),
    maxEjectionPercent: Percent.default(10),
    minHealthPercent: Percent.default(0).meta({ description: 'Becomes healthy_panic_threshold; 0 (the default) disables panic (§4.7).' }),
  })
  .meta({ description: 'Istio DestinationRule trafficPolicy.outlierDetection, mapped to Envoy as envoy.md §4.7 says.' });

/** `services.X.envoy`: the Envoy cluster options of this service as its callers' proxies see it. */
export const EnvoyCluster = z
  .strictObject({
    healthCheck: HealthCheck.optional(),
    outlierDetection: EnvoyOutlierDetection.optional(),
    healthyPanicThreshold: Percent.optional().meta({
      description: 'CommonLbConfig healthy_panic_threshold, percent (truncated). Default 50, or 0 when trafficPolicy.outlierDetection is set (§1.2, §4.7).',
    }),
    ignoreNewHostsUntilFirstHc: z.boolean().default(false).meta({ description: 'New hosts are excluded from the priority and panic arithmetic until their first check (§1.6).' }),
    ignoreHealthOnHostRemoval: z.boolean().default(false).meta({ description: 'Remove hosts absent from EDS at once even if they pass HC (§2.3).' }),
    edsHcRemoval: z.enum(['legacy', 'current']).default('current').meta({
      description:
        'current: Envoy after #6714/#6765 (an absent host is removed as soon as it fails HC); legacy: before them (only an EDS update that finds it absent and failing removes it) (§2.3).',
    }),
  })
  .meta({ description: 'Envoy cluster settings for this service, as every calling proxy applies them (envoy.md §1, §2, §3).' });

export type HealthCheckParsed = z.output<typeof HealthCheck>;
export type EnvoyOutlierDetectionParsed = z.output<typeof EnvoyOutlierDetection>;
export type IstioOutlierDetectionParsed = z.output<typeof IstioOutlierDetection>;
export type EnvoyClusterParsed = z.output<typeof EnvoyCluster>;
