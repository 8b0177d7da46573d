/**
 * Nominal load within a route's group (a routed service and its destinations): the call graph
 * carries the requests addressed to the routed service with the scenario's starting weights, but
 * which member they land on follows the weights the proxies applied (shifted by the timeline) and
 * kube-proxy's picks. So the group's nominal load is shared out as its requests really were: each
 * member's started requests over the group's. Without requests the call graph's split stays.
 * (Services below a destination keep the starting weights' split: README "Canaries".)
 */
export function spreadOverRouteGroups(nominal: Float64Array, started: (service: number) => number, groups: readonly (readonly number[])[]): void {
  for (const group of groups) {
    let nominalTotal = 0;
    let startedTotal = 0;
    for (const s of group) {
      nominalTotal += nominal[s]!;
      startedTotal += started(s);
    }
    if (startedTotal === 0) continue;
    for (const s of group) nominal[s] = (nominalTotal * started(s)) / startedTotal;
  }
}
