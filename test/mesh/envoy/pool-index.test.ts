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

  it("lists each host's pools, exactly those whose key names it (newest first)", () => {
    const triple = fc.record({ client: fc.nat(50), host: fc.nat(3000), worker: fc.nat(3) });
    fc.assert(
      fc.property(fc.array(triple, { maxLength: 400 }), (calls) => {
        const index = new PoolIndex(3);
        for (const { client, host, worker } of calls) index.findOrAdd(client, host, host % 3, worker, 4);
        const expected = new Map<number, number[]>();
        for (let p = index.count - 1; p >= 0; p--) {
          const h = index.host(p);
          expected.set(h, [...(expected.get(h) ?? []), p]);
        }
        for (const { host } of calls) {
          const listed: number[] = [];
          for (let p = index.firstPoolOfHost(host); p !== -1; p = index.nextPoolOfHost(p)) listed.push(p);
          expect(listed).toEqual(expected.get(host));
        }
        expect(index.firstPoolOfHost(5000)).toBe(-1);
      }),
    );
  });
});
