import { grownFor } from '../typed-arrays.ts';
import type { ConfigVersion, EndpointSnapshot } from './endpoints.ts';

/**
 * The config each proxy has applied: a reference to one shared istiod version (never a copy),
 * and when it applied it. A proxy's view of an upstream changes only when it applies a push.
 */
export class ProxyConfigs {
  private readonly applied: (ConfigVersion | undefined)[] = [];
  private appliedAt = new Float64Array(1024);
  /**
   * Called after every apply; `steady` for the configs of proxies running before the run;
   * `previous` is the config the proxy routed with until now.
   */
  onApplied: (proxy: number, config: ConfigVersion, steady: boolean, previous: ConfigVersion | undefined) => void = () => {};
  onDropped: (proxy: number) => void = () => {};

  /** The snapshot of `service` that `proxy` routes with, or undefined before its first config. */
  snapshot(proxy: number, service: number): EndpointSnapshot | undefined {
    return this.applied[proxy]?.snapshots[service];
  }

  /** The route weights of `service` that `proxy` applied, or undefined (the scenario's, or no config). */
  routeWeights(proxy: number, service: number): Uint32Array | undefined {
    return this.applied[proxy]?.routes?.[service];
  }

  /** The version `proxy` has applied, or -1. */
  version(proxy: number): number {
    return this.applied[proxy]?.version ?? -1;
  }

  appliedAtNs(proxy: number): number {
    return proxy < this.appliedAt.length ? this.appliedAt[proxy]! : 0;
  }

  apply(proxy: number, config: ConfigVersion, nowNs: number, steady = false): void {
    const previous = this.applied[proxy];
    this.applied[proxy] = config;
    this.appliedAt = grownFor(this.appliedAt, proxy);
    this.appliedAt[proxy] = nowNs;
    this.onApplied(proxy, config, steady, previous);
  }

  /** A proxy that is gone no longer pins its version in memory. */
  drop(proxy: number): void {
    this.applied[proxy] = undefined;
    this.onDropped(proxy);
  }
}
