/** `cluster:` (schema.ts Cluster): nodes and the pod network's latency distributions. */
import fc from 'fast-check';
import { distributionArb } from './distribution.ts';

export const clusterArb: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    nodes: fc.integer({ min: 1, max: 12 }),
    network: fc.record({ sameNode: distributionArb(200_000), crossNode: distributionArb(2_000_000) }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
);
