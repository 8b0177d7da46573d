/** `workload:` (schema.ts Workload): open-loop (rate) and closed-loop (clients) traffic. */
import fc from 'fast-check';
import { distributionArb } from './distribution.ts';
import { workloadNameArb } from './names.ts';
import { durationArb, rateArb, type Pace } from './units.ts';

export interface WorkloadPart {
  workload: Record<string, unknown>[];
  /** Names of the open-loop workloads (targets for timeline rate changes). */
  openLoop: string[];
  /** Requests per second at the ingress, summed, for the event-budget estimate. */
  ratePerS: number;
}

/** One to three workloads sending to `services`, within a run of `durationNs`, at `pace`. */
export function workloadArb(services: string[], durationNs: number, pace: Pace): fc.Arbitrary<WorkloadPart> {
  const window = fc.tuple(durationArb(durationNs - 1), fc.option(durationArb(durationNs, 1))).map(([start, end]) =>
    end && end.value > start.value ? { start: start.text, end: end.text } : start.value > 0 ? { start: start.text } : {},
  );
  const via = fc.option(fc.constantFrom('ingress-gateway', 'kube-proxy'), { nil: undefined });
  const open = fc.record({ to: fc.constantFrom(...services), rate: rateArb(pace.maxRatePerS), arrival: fc.option(fc.constantFrom('poisson', 'uniform'), { nil: undefined }), window, via });
  const closed = fc.record({ to: fc.constantFrom(...services), clients: fc.integer({ min: 1, max: 4 }), thinkTime: distributionArb(pace.maxThinkTimeNs), window, via });
  const one = fc.oneof({ weight: 3, arbitrary: open.map((w) => ({ kind: 'open' as const, w })) }, { weight: 1, arbitrary: closed.map((w) => ({ kind: 'closed' as const, w })) });
  return fc.tuple(fc.array(one, { minLength: 1, maxLength: 3 }), fc.uniqueArray(workloadNameArb, { minLength: 3, maxLength: 3 }), fc.boolean()).map(([ws, names, named]) => {
    const workload = ws.map(({ kind, w }, i) => {
      const base = { ...(named || kind === 'open' ? { name: names[i]! } : {}), to: w.to, ...w.window, ...(w.via !== undefined && { via: w.via }) };
      if (kind === 'closed') return { ...base, clients: (w as { clients: number }).clients, thinkTime: (w as { thinkTime: unknown }).thinkTime };
      const o = w as { rate: { text: string }; arrival?: string };
      return { ...base, rate: o.rate.text, ...(o.arrival !== undefined && { arrival: o.arrival }) };
    });
    const openLoop = ws.flatMap(({ kind }, i) => (kind === 'open' ? [names[i]!] : []));
    const ratePerS = ws.reduce((a, { kind, w }) => a + (kind === 'open' ? (w as { rate: { value: number } }).rate.value : 0), 0);
    return { workload, openLoop, ratePerS };
  });
}
