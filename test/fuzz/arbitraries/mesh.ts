/** `mesh:` (schema-lifecycle.ts Mesh): the sidecar's startup mode and drain, istiod's pipeline. */
import fc from 'fast-check';
import { distributionArb } from './distribution.ts';
import { durationArb } from './units.ts';

const d = (maxNs: number) => durationArb(maxNs).map((x) => x.text);
const preStopArb = fc.record({ sleep: d(300_000_000) });

const sidecarFields = {
  startup: fc.constantFrom('classic', 'holdApplicationUntilProxyStarts', 'native'),
  startTime: distributionArb(300_000_000),
  terminationDrainDuration: d(300_000_000),
  initialFetchTimeout: d(300_000_000),
  preStop: preStopArb,
  concurrency: fc.integer({ min: 1, max: 4 }),
};

/** mesh.sidecar, and the same fields as a per-service override. */
export const sidecarArb = fc.record(sidecarFields, { requiredKeys: [] });

export const meshArb = fc.record(
  {
    sidecar: sidecarArb,
    connectTimeout: d(20_000_000_000),
    controlPlane: fc.record(
      {
        endpointSliceDelay: distributionArb(100_000_000),
        debounceAfter: d(200_000_000),
        debounceMax: d(500_000_000),
        cpus: fc.integer({ min: 1, max: 4 }),
        pushThrottle: fc.integer({ min: 1, max: 50 }),
        pushCost: fc.record({ eds: d(1_000_000), full: d(5_000_000), perEndpoint: d(10_000) }, { requiredKeys: [] }),
        xdsLatency: distributionArb(50_000_000),
        drainingEndpoints: fc.boolean(),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
);
