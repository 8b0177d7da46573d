import { compileDistribution, type DistributionSpec, type RandomStream, type Sampler } from '../../engine/index.ts';
import type { PodTable } from './pods.ts';

/**
 * One-way latency between two pods: one distribution for pods on the same node (veth and
 * bridge), another across nodes. Each message draws from its sender's own stream. The
 * ingress gateway has no node, so its messages always cross nodes.
 */
export class PodNetwork {
  private readonly sameNode: Sampler;
  private readonly crossNode: Sampler;
  private readonly pods: PodTable;

  constructor(pods: PodTable, sameNode: DistributionSpec, crossNode: DistributionSpec) {
    this.pods = pods;
    this.sameNode = compileDistribution(sameNode);
    this.crossNode = compileDistribution(crossNode);
  }

  latencyNs(from: number, to: number): number {
    return this.latencyNsWith(from, to, this.pods.netRandom[from]!);
  }

  /** As latencyNs, drawing from `random`. */
  latencyNsWith(from: number, to: number, random: RandomStream): number {
    const a = this.pods.node[from]!;
    const sampler = a >= 0 && a === this.pods.node[to] ? this.sameNode : this.crossNode;
    return sampler.sample(random);
  }

  /** The mean one-way latency between two pods, rounded to ns (no draw). */
  meanLatencyNs(from: number, to: number): number {
    const a = this.pods.node[from]!;
    return Math.round((a >= 0 && a === this.pods.node[to] ? this.sameNode : this.crossNode).mean);
  }
}
