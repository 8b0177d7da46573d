/**
 * The scenario format's routing parts: a VirtualService's weighted destinations (canaries), the
 * timeline action that shifts them, and how a workload's clients reach the mesh (through the
 * ingress gateway's Envoy, or without a sidecar through kube-proxy). kubernetes-istio.md §5-6.
 */
import { z } from 'zod';
import { Duration } from './schema-units.ts';

// Istio's HTTPRouteDestination.weight is an int32 >= 0; Envoy refuses a sum past 2^32 - 1
// (weighted_cluster_specifier.cc). Each weight is capped so the sum of 64 cannot overflow.
const Weight = z.int().min(0).max(1_000_000);

export const RouteDestination = z.strictObject({
  destination: z.string().meta({ description: "The service whose pods (its Deployment, a DestinationRule subset) take this share; may be this service itself." }),
  weight: Weight.meta({ description: 'HTTPRouteDestination.weight: the destination gets weight / (sum of weights) of the requests (kubernetes-istio.md §6).' }),
});

export const Route = z
  .array(RouteDestination)
  .min(1)
  .max(64)
  .meta({
    description:
      "The VirtualService http route for requests to this service: weighted destinations, chosen per request by the calling Envoy on the route config it last applied (kubernetes-istio.md §6). The Kubernetes Service also selects every destination's pods, so clients without a sidecar (workload via: kube-proxy) spread over all of them.",
  });

export const SetRoute = z
  .strictObject({
    service: z.string(),
    weights: z
      .record(z.string().min(1), Weight)
      .refine((w) => Object.keys(w).length > 0, { error: 'name at least one destination and its new weight' })
      .meta({ description: 'New weights by destination name; destinations not named keep theirs.' }),
  })
  .meta({ description: "Shift a route's weights (a canary step): istiod pushes the new route to every proxy, debounced like any change (kubernetes-istio.md §6: a full push)." });

export const Via = z.enum(['ingress-gateway', 'kube-proxy']).default('ingress-gateway').meta({
  description:
    "ingress-gateway (default): the requests enter through the ingress gateway's Envoy (retries, timeouts, weighted routes). kube-proxy: clients without a sidecar send to the Service's ClusterIP, and kube-proxy picks one of the Service's ready endpoints at random per connection (one connection per request here), ignoring route weights, with no retries or timeouts (kubernetes-istio.md §5-6).",
});

/** kube-proxy's iptables minSyncPeriod (kubernetes-istio.md §5), for the scenario's cluster section. */
export const KubeProxy = z
  .strictObject({
    minSyncPeriod: Duration.prefault('1s').meta({ description: 'iptables.minSyncPeriod: kube-proxy rewrites its rules at most this often, so an endpoint change waits up to this long. Default 1s (kubernetes-istio.md §5).' }),
  })
  .meta({ description: "kube-proxy on every node: the Service routing that clients without a sidecar use." });

export type RouteParsed = z.output<typeof Route>;
export type SetRouteParsed = z.output<typeof SetRoute>;
