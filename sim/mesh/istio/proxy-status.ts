import type { ProxyConfigs } from '../envoy/proxy-config.ts';
import { GATEWAY_NAME, GONE, INGRESS_SERVICE, type PodTable } from '../kube/pods.ts';
import type { Istiod } from './istiod.ts';

/**
 * One proxy's line of `istioctl proxy-status`: SYNCED when it has applied everything istiod sent
 * it, STALE when a push is sent but not yet applied (not acknowledged), NOT SENT when istiod has
 * sent it nothing yet (a new proxy waiting in the push queue). `behind` says whether its version is
 * older than istiod's latest: a SYNCED proxy can still be behind while it waits in the queue.
 */
export interface ProxyStatusRow {
  pod: string;
  service: string;
  status: 'SYNCED' | 'STALE' | 'NOT SENT';
  version: number;
  behind: boolean;
  appliedAtNs: number;
}

export function proxyStatusRows(pods: PodTable, configs: ProxyConfigs, istiod: Istiod): ProxyStatusRow[] {
  const rows: ProxyStatusRow[] = [];
  const latest = istiod.current.version;
  for (const proxy of [...istiod.connectedProxies].sort((a, b) => a - b)) {
    if (pods.phase[proxy] === GONE) continue;
    const version = configs.version(proxy);
    const status = istiod.hasPending(proxy) ? 'STALE' : version < 0 ? 'NOT SENT' : 'SYNCED';
    const service = pods.service[proxy] === INGRESS_SERVICE ? GATEWAY_NAME : pods.names[proxy]!.replace(/-[0-9]+$/, '');
    rows.push({ pod: pods.names[proxy]!, service, status, version, behind: version < latest, appliedAtNs: configs.appliedAtNs(proxy) });
  }
  return rows;
}
