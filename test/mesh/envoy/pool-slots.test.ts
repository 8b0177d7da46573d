import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PoolSlots } from '../../../sim/mesh/envoy/pool-slots.ts';

// A client's worker count is fixed per client (its sidecar's concurrency, 1 to 256).
const workersOf = (c: number) => [2, 1, 3, 256, 4][c % 5]!;
const triple = fc.record({ client: fc.nat(60), host: fc.nat(3000), worker: fc.nat(255) });

/** Marks slots used as connection-pool.ts does (any non-zero value is a pool). */
function use(slots: PoolSlots, client: number, host: number, worker: number): number {
  const s = slots.find(client, host, host % 3, worker % workersOf(client), workersOf(client));
  if (slots.value[s] === 0) slots.value[s] = -1;
  return s;
}

describe('PoolSlots', () => {
  it('gives each (client, host, worker) triple one stable slot, no other triple’s, and decodes it back', () => {
    fc.assert(
      fc.property(fc.array(triple, { maxLength: 400 }), fc.array(fc.nat(600), { minLength: 3, maxLength: 3 }), (calls, expected) => {
        const slots = new PoolSlots(expected);
        const seen = new Map<string, number>();
        const owner = new Map<number, string>();
        for (const { client, host, worker: w } of calls) {
          const worker = w % workersOf(client);
          const key = `${client}/${host}/${worker}`;
          const s = use(slots, client, host, worker);
          expect(owner.get(s) ?? key, `slot ${s}`).toBe(key);
          owner.set(s, key);
          expect(seen.get(key) ?? s).toBe(s);
          seen.set(key, s);
          expect(s).toBeLessThan(slots.size);
          expect([slots.client(s), slots.host(s), slots.worker(s)]).toEqual([client, host, worker]);
        }
      }),
    );
  });

  it('holds a 2000 x 2000 x 2 mesh in 2 hot bytes per triple (7 in all), every slot its own', () => {
    const slots = new PoolSlots([0, 2000, 0]);
    const hosts = Array.from({ length: 2000 }, (_, i) => 3 * i + 1); // service 1's hosts
    let reused = 0;
    for (let client = 0; client < 2000; client++) {
      for (const host of hosts) {
        for (const w of [0, 1]) {
          const s = slots.find(client, host, 1, w, 2);
          if (slots.value[s] !== 0) reused++;
          slots.value[s] = -1;
        }
      }
    }
    expect(reused).toBe(0);
    const used = slots.value.subarray(0, slots.size).filter((v) => v !== 0).length;
    expect(used).toBe(2000 * 2000 * 2);
    expect(slots.size).toBe(2000 * 2048 * 2); // 256-slot chunks: 128 hosts x 2 workers each
    expect(slots.value.BYTES_PER_ELEMENT).toBe(2); // what a request and its response touch
    expect(slots.bytes / used).toBeLessThan(7.5); // + 4 per slot for full records' ids, 0.75 of chunk keys, the rest small
  });

  it("lists each host's pools (by client then worker) and each client's: exactly the used slots whose triple names it", () => {
    fc.assert(
      fc.property(fc.array(triple, { maxLength: 400 }), (calls) => {
        const slots = new PoolSlots([10, 1000, 0]);
        const made: { s: number; client: number; host: number; worker: number }[] = [];
        for (const { client, host, worker: w } of calls) {
          const s = use(slots, client, host, w);
          if (!made.some((m) => m.s === s)) made.push({ s, client, host, worker: w % workersOf(client) });
        }
        slots.find(61, 7, 1, 0, 2); // found but never used: not a pool
        for (const { host } of calls.concat([{ client: 61, host: 7, worker: 0 }])) {
          const expected = made.filter((m) => m.host === host).sort((x, y) => x.client - y.client || x.worker - y.worker);
          expect(slots.poolsOfHost(host, host % 3)).toEqual(expected.map((m) => m.s));
        }
        expect(slots.poolsOfHost(5000, 0)).toEqual([]);
        for (const { client } of calls) {
          const expected = made.filter((m) => m.client === client).map((m) => m.s);
          expect(slots.poolsOfClient(client).sort((x, y) => x - y)).toEqual(expected.sort((x, y) => x - y));
        }
        expect(slots.poolsOfClient(61)).toEqual([]);
      }),
    );
  });
});
