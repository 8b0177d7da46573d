/** `cluster:` (schema.ts Cluster): nodes, the pod network's latency distributions, node sizing and conntrack. */
import fc from 'fast-check';
import { distributionArb } from './distribution.ts';
import { durationArb } from './units.ts';

const d = (maxNs: number) => durationArb(maxNs).map((x) => x.text);

export const clusterArb: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    nodes: fc.integer({ min: 1, max: 12 }),
    network: fc.record({ sameNode: distributionArb(200_000), crossNode: distributionArb(2_000_000) }, { requiredKeys: [] }),
    node: fc.record(
      {
        cpus: fc.integer({ min: 1, max: 64 }),
        memoryGiB: fc.constantFrom(0.5, 2, 16, 64),
        tcpSynRetries: fc.integer({ min: 1, max: 8 }),
        tcpSynLinearTimeouts: fc.constantFrom(0, 4),
      },
      { requiredKeys: [] },
    ),
    conntrack: fc.record(
      {
        enabled: fc.boolean(),
        maxPerCore: fc.constantFrom(0, 4, 32_768),
        min: fc.constantFrom(0, 8, 131_072),
        maxPerCoreCap: fc.constantFrom(0, 16, 1_048_576),
        nfConntrackMax: fc.integer({ min: 1, max: 200 }),
        nfConntrackBuckets: fc.integer({ min: 1, max: 64 }),
        timeouts: fc.record(
          { synSent: d(200_000_000_000), established: d(200_000_000_000), timeWait: d(200_000_000_000), close: d(20_000_000_000) },
          { requiredKeys: [] },
        ),
        earlyDrop: fc.boolean(),
        gc: fc.boolean(),
        wheelSlot: fc.constantFrom('1s', '250ms', '2s'),
      },
      { requiredKeys: [] },
    ),
    kubeProxy: fc.record({ minSyncPeriod: fc.constantFrom('0s', '1s', '300ms') }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
);
