import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PoolIndex } from '../../../sim/mesh/envoy/pool-index.ts';

describe('PoolIndex', () => {
  it('gives each (client, host, worker) triple one stable pool id, in creation order, with its keys', () => {
    const triple = fc.record({ client: fc.nat(300), host: fc.nat(3000), worker: fc.nat(3) });
    fc.assert(
      fc.property(fc.array(triple, { maxLength: 400 }), (calls) => {
        const index = new PoolIndex(3);
        const seen = new Map<string, number>();
        for (const { client, host, worker } of calls) {
          const service = host % 3; // a host's service never changes
          const key = `${client}/${host}/${worker}`;
          const p = index.findOrAdd(client, host, service, worker, 4);
          const known = seen.get(key);
          if (known === undefined) {
            expect(p).toBe(seen.size);
            seen.set(key, p);
          } else expect(p).toBe(known);
          expect(index.client[p]).toBe(client);
          expect(index.host(p)).toBe(host);
        }
        expect(index.count).toBe(seen.size);
      }),
    );
  });

  it('keeps a pair’s pools when its block is re-laid for another worker count', () => {
    const index = new PoolIndex(1);
    const a = index.findOrAdd(7, 100, 0, 0, 1);
    const b = index.findOrAdd(7, 101, 0, 0, 1);
    expect(index.findOrAdd(7, 100, 0, 0, 2)).toBe(a);
    expect(index.findOrAdd(7, 101, 0, 0, 2)).toBe(b);
    expect(index.findOrAdd(7, 101, 0, 1, 2)).toBe(2);
  });

  it("lists each host's pools: exactly those whose key names it, by client then worker", () => {
    const triple = fc.record({ client: fc.nat(50), host: fc.nat(3000), worker: fc.nat(3) });
    fc.assert(
      fc.property(fc.array(triple, { maxLength: 400 }), (calls) => {
        const index = new PoolIndex(3);
        // A client's worker count is fixed per client (its sidecar's concurrency).
        const workersOf = (c: number) => (c % 2 === 0 ? 2 : 4);
        for (const { client, host, worker } of calls) index.findOrAdd(client, host, host % 3, worker % workersOf(client), workersOf(client));
        const keyOf = (p: number) => index.client[p]! * 256 + (index.hostWorker[p]! & 255);
        for (const { host } of calls) {
          const expected: number[] = [];
          for (let p = 0; p < index.count; p++) if (index.host(p) === host) expected.push(p);
          expected.sort((a, b) => keyOf(a) - keyOf(b));
          expect(index.poolsOfHost(host, host % 3)).toEqual(expected);
        }
        expect(index.poolsOfHost(5000, 0)).toEqual([]);
      }),
    );
  });
});
