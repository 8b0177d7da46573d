import { INGRESS_SERVICE } from '../kube/pods.ts';

/**
 * Pooled connections per (caller service, upstream service) pair: opened over the run, open
 * now, and the most open at once (conntrack.md §6.3: "long-lived connection count per (client
 * service, server service), to show the W·N·c blow-up", §3.4). Row 0 is the ingress gateway's,
 * row s + 1 service s's.
 */
export class ConnectionsByPair {
  readonly services: number;
  readonly opened: Float64Array;
  readonly open: Float64Array;
  readonly peakOpen: Float64Array;

  constructor(services: number) {
    this.services = services;
    const cells = (services + 1) * services;
    this.opened = new Float64Array(cells);
    this.open = new Float64Array(cells);
    this.peakOpen = new Float64Array(cells);
  }

  /** The cell of caller service `caller` (INGRESS_SERVICE: the gateway) and upstream `upstream`. */
  cell(caller: number, upstream: number): number {
    return (caller - INGRESS_SERVICE) * this.services + upstream;
  }

  connected(cell: number): void {
    this.opened[cell]!++;
    const open = ++this.open[cell]!;
    if (open > this.peakOpen[cell]!) this.peakOpen[cell] = open;
  }

  closed(cell: number, n: number): void {
    this.open[cell]! -= n;
  }

  /** The caller service of a cell (INGRESS_SERVICE: the gateway) and its upstream. */
  pairOf(cell: number): { caller: number; upstream: number } {
    return { caller: Math.floor(cell / this.services) + INGRESS_SERVICE, upstream: cell % this.services };
  }
}
