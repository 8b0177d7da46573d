import type { RandomStream } from '../../engine/index.ts';

/**
 * Worker nodes and pod placement. kube-scheduler scores feasible nodes and picks one of the
 * best at random (selectHost samples among equal top scores); with no resource model, the
 * score here is "fewest pods" (spreading), and ties are broken by a seeded draw.
 */
export class NodePool {
  readonly count: number;
  private readonly pods: Int32Array;
  private readonly random: RandomStream;

  constructor(count: number, random: RandomStream) {
    this.count = count;
    this.pods = new Int32Array(count);
    this.random = random;
  }

  /** Chooses a node for a new pod and counts the pod on it. */
  place(): number {
    const pods = this.pods;
    let min = Infinity;
    let ties = 0;
    for (let i = 0; i < this.count; i++) {
      if (pods[i]! < min) {
        min = pods[i]!;
        ties = 1;
      } else if (pods[i] === min) ties++;
    }
    let pick = ties === 1 ? 0 : this.random.nextU32() % ties;
    for (let i = 0; i < this.count; i++) {
      if (pods[i] === min && pick-- === 0) {
        pods[i]!++;
        return i;
      }
    }
    throw new Error('unreachable: no node with the minimum pod count');
  }

  release(node: number): void {
    if (node >= 0) this.pods[node]!--;
  }

  podsOn(node: number): number {
    return this.pods[node]!;
  }

  static nodeName(node: number): string {
    return node < 0 ? '-' : `node-${node}`;
  }
}
