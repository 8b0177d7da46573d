import type { RunResult } from '../run/index.ts';
import { BASE_VARIANT, figure } from '../run/index.ts';
import type { Scenario } from '../scenario/index.ts';
import { formatPct, table } from './format.ts';

type Route = NonNullable<Scenario['services'][string]['route']>;

/**
 * The split each route made (README "Canaries and clients without a sidecar"): per destination
 * its weight as the scenario starts, and per variant the share of the requests addressed to the
 * routed service that it took after the warm-up, with clients without a sidecar and weight
 * shifts included; with several seeds, the mean over them. A variant that sets other starting
 * weights says so in its cell (w N), and a route only a variant has gets its rows too.
 */
export function routeLines(scenario: Scenario, runs: RunResult[], variants: string[]): string[] {
  const scenarioOf = (variant: string) => (variant === BASE_VARIANT ? scenario : (scenario.variants.find((v) => v.name === variant)?.scenario ?? scenario));
  const routeIn = (variant: string, name: string): Route | undefined => (Object.hasOwn(scenarioOf(variant).services, name) ? scenarioOf(variant).services[name]!.route : undefined);
  const routed = [...new Set(variants.flatMap((v) => Object.entries(scenarioOf(v).services).flatMap(([name, svc]) => (svc.route ? [name] : []))))];
  if (routed.length === 0) return [];
  const rows: string[][] = [['route', 'destination', 'weight', ...variants]];
  for (const name of routed) {
    const route = variants.map((v) => routeIn(v, name)).find((r) => r !== undefined)!;
    const total = route.reduce((n, d) => n + d.weight, 0);
    // The routed service's own pods, when not a destination, take only kube-proxy's picks.
    const members = [...(route.some((d) => d.destination === name) ? [] : [{ destination: name, weight: -1 }]), ...route];
    members.forEach((d, i) => {
      const cells = variants.map((variant) => {
        const own = runs.filter((r) => r.summary.variant === variant).map((r) => r.summary.services.find((s) => s.name === d.destination)?.share ?? null);
        const weight = routeIn(variant, name)?.find((x) => x.destination === d.destination)?.weight;
        const differs = d.weight >= 0 && weight !== undefined && weight !== d.weight ? ` (w ${weight})` : '';
        return `${formatPct(figure(own).mean)}${differs}`;
      });
      const weight = d.weight < 0 ? '- (not routed to)' : `${d.weight} (${total > 0 ? formatPct(d.weight / total, 0) : '-'})`;
      rows.push([i === 0 ? name : '', d.destination, weight, ...cells]);
    });
  }
  return ["routes (each destination's share of the requests to the routed service, per variant; weight as the scenario starts)", table(rows, new Set([2, ...variants.map((_, i) => i + 3)]))];
}
