/**
 * Host-health fields (schema-health.ts): `services.X.envoy` (active HC, Envoy outlier detection,
 * panic and removal options), Istio's `trafficPolicy.outlierDetection`, and
 * `publishNotReadyAddresses`. Intervals stay at 1ms or more, as the schema requires.
 */
import fc from 'fast-check';
import { durationArb } from './units.ts';

const d = (maxNs: number, minNs = 0) => durationArb(maxNs, minNs).map((x) => x.text);
const pct = fc.constantFrom(0, 10, 50, 100);

const healthCheckArb = fc.record(
  {
    timeout: d(500_000_000, 1_000_000),
    // Intervals of 200ms or more keep the checks inside the generated scenarios' small event budgets.
    interval: d(2_000_000_000, 200_000_000),
    unhealthyThreshold: fc.integer({ min: 1, max: 3 }),
    healthyThreshold: fc.integer({ min: 1, max: 3 }),
    noTrafficInterval: d(5_000_000_000),
    noTrafficHealthyInterval: d(5_000_000_000),
    unhealthyInterval: d(2_000_000_000, 200_000_000),
    unhealthyEdgeInterval: d(2_000_000_000, 200_000_000),
    healthyEdgeInterval: d(2_000_000_000, 200_000_000),
    initialJitter: d(1_000_000_000),
    intervalJitter: d(500_000_000),
    intervalJitterPercent: fc.integer({ min: 0, max: 100 }),
  },
  { requiredKeys: ['timeout', 'interval', 'unhealthyThreshold', 'healthyThreshold'] },
);

const envoyOutlierArb = fc.record(
  {
    interval: d(5_000_000_000, 1_000_000),
    baseEjectionTime: d(10_000_000_000),
    maxEjectionTime: d(30_000_000_000),
    maxEjectionPercent: pct,
    alwaysEjectOneHost: fc.boolean(),
    consecutive5xx: fc.integer({ min: 1, max: 5 }),
    enforcingConsecutive5xx: pct,
    consecutiveGatewayFailure: fc.integer({ min: 1, max: 5 }),
    enforcingConsecutiveGatewayFailure: pct,
    consecutiveLocalOriginFailure: fc.integer({ min: 1, max: 5 }),
    enforcingConsecutiveLocalOriginFailure: pct,
    splitExternalLocalOriginErrors: fc.boolean(),
    successRateMinimumHosts: fc.integer({ min: 0, max: 5 }),
    successRateRequestVolume: fc.integer({ min: 1, max: 100 }),
    successRateStdevFactor: fc.integer({ min: 0, max: 3000 }),
    enforcingSuccessRate: pct,
    failurePercentageThreshold: pct,
    failurePercentageMinimumHosts: fc.integer({ min: 0, max: 5 }),
    failurePercentageRequestVolume: fc.integer({ min: 1, max: 100 }),
    enforcingFailurePercentage: pct,
    successfulActiveHealthCheckUnejectHost: fc.boolean(),
  },
  { requiredKeys: [] },
);

export const istioOutlierArb = fc.record(
  {
    consecutive5xxErrors: fc.integer({ min: 0, max: 5 }),
    consecutiveGatewayErrors: fc.integer({ min: 0, max: 5 }),
    consecutiveLocalOriginFailures: fc.integer({ min: 0, max: 5 }),
    splitExternalLocalOriginErrors: fc.boolean(),
    interval: d(5_000_000_000, 1_000_000),
    baseEjectionTime: d(10_000_000_000),
    maxEjectionPercent: pct,
    minHealthPercent: pct,
  },
  { requiredKeys: [] },
);

/** `services.X.envoy`; outlier detection here only when the DestinationRule has none (the schema refuses both). */
export const envoyClusterArb = fc.record(
  {
    healthCheck: healthCheckArb,
    outlierDetection: envoyOutlierArb,
    healthyPanicThreshold: pct,
    ignoreNewHostsUntilFirstHc: fc.boolean(),
    ignoreHealthOnHostRemoval: fc.boolean(),
    edsHcRemoval: fc.constantFrom('legacy', 'current'),
  },
  { requiredKeys: [] },
);
