/**
 * What a call to a service name reaches once its VirtualService route (if any) is applied: the
 * destinations' pods, never re-routed (kubernetes-istio.md §6: a destination is a subset's cluster).
 */
import type { ScenarioParsed } from './schema.ts';

/** The services a request addressed to `name` may land on: its route's destinations, or itself. */
export function routeTargets(s: Pick<ScenarioParsed, 'services'>, name: string): string[] {
  const route = Object.hasOwn(s.services, name) ? s.services[name]!.route : undefined;
  return route ? route.map((d) => d.destination) : [name];
}

/**
 * The services that share the requests addressed to a routed service: it and its route's
 * destinations (kube-proxy also picks its own pods); for `name` in such a group, the group, else
 * undefined. The groups are disjoint (semantics.ts: a destination is a subset of one route).
 */
export function routePeers(s: Pick<ScenarioParsed, 'services'>, name: string): string[] | undefined {
  for (const [owner, svc] of Object.entries(s.services)) {
    if (!svc.route) continue;
    const peers = [...new Set([owner, ...svc.route.map((d) => d.destination)])];
    if (peers.includes(name)) return peers;
  }
  return undefined;
}
