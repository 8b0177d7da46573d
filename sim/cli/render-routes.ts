import type { RunResult } from '../run/index.ts';
import { figure } from '../run/index.ts';
import type { Scenario } from '../scenario/index.ts';
import { formatPct, table } from './format.ts';

/**
 * The split each route made (README "Canaries and clients without a sidecar"): per destination
 * its weight as the scenario starts, and per variant the share of the requests addressed to the
 * routed service that it took after the warm-up, with clients without a sidecar and weight
 * shifts included; with several seeds, the mean over them.
 */
export function routeLines(scenario: Scenario, runs: RunResult[], variants: string[]): string[] {
  const routed = Object.entries(scenario.services).filter(([, svc]) => svc.route);
  if (routed.length === 0) return [];
  const rows: string[][] = [['route', 'destination', 'weight', ...variants]];
  for (const [name, svc] of routed) {
    const total = svc.route!.reduce((n, d) => n + d.weight, 0);
    // The routed service's own pods, when not a destination, take only kube-proxy's picks.
    const members = [...(svc.route!.some((d) => d.destination === name) ? [] : [{ destination: name, weight: -1 }]), ...svc.route!];
    members.forEach((d, i) => {
      const shares = variants.map((variant) => {
        const own = runs.filter((r) => r.summary.variant === variant).map((r) => r.summary.services.find((s) => s.name === d.destination)?.share ?? null);
        return formatPct(figure(own).mean);
      });
      rows.push([i === 0 ? name : '', d.destination, d.weight < 0 ? '- (not routed to)' : `${d.weight} (${formatPct(d.weight / total, 0)})`, ...shares]);
    });
  }
  return ["routes (each destination's share of the requests to the routed service, per variant; weight as the scenario starts)", table(rows, new Set([2, ...variants.map((_, i) => i + 3)]))];
}
