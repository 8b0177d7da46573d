import type { RunResult } from '../run/index.ts';
import type { ProxyConfigDump } from '../mesh/index.ts';
import { formatCount, formatPct, table } from './format.ts';

/** The host-health table: per service whose callers run active HC or outlier detection. */
export function healthLines(runs: RunResult[]): string[] {
  const names = Object.keys(runs[0]!.summary.health);
  if (names.length === 0) return [];
  const rows: string[][] = [['service', 'variant', 'panic picks', 'healthy hosts min', 'at end p50/min', 'undead max/end', 'HC checks', 'HC failed', 'ejections']];
  for (const name of names) {
    runs.forEach((run, i) => {
      const h = Object.hasOwn(run.summary.health, name) ? run.summary.health[name] : undefined;
      if (!h) return;
      rows.push([
        i === 0 ? name : '',
        run.summary.variant,
        formatPct(h.panicShare),
        h.healthyHostsMin === null ? '-' : String(h.healthyHostsMin),
        `${h.healthyHostsP50AtEnd ?? '-'}/${h.healthyHostsMinAtEnd ?? '-'}`,
        `${formatCount(h.undeadHostsMax)}/${formatCount(h.undeadHostsAtEnd)}`,
        h.activeHealthCheck ? formatCount(h.hcChecks) : '-',
        h.activeHealthCheck ? formatCount(h.hcFailures) : '-',
        h.outlierDetection ? formatCount(h.ejections) : '-',
      ]);
    });
  }
  return ['host health (each calling proxy\'s view: share of picks in panic, hosts its LB counts healthy, host entries whose pod is gone)', table(rows, new Set([2, 3, 4, 5, 6, 7, 8]))];
}

/** `istioctl proxy-config endpoint`-style listing of one proxy's cluster. */
export function proxyConfigLines(d: ProxyConfigDump, variant: string): string[] {
  const head = !d.found ? `proxy-config endpoint ${d.pod} at ${d.atNs / 1e9}s (${variant})` : `proxy-config endpoint ${d.pod} --cluster "${d.cluster}" at ${d.atNs / 1e9}s (${variant}): config version ${d.version}${d.panic ? ', IN PANIC' : ''}${d.healthManaged ? '' : ' (no active HC or outlier detection: istiod\'s snapshot)'}`;
  if (!d.found) return [head, `  no pod named ${d.pod} existed at ${d.atNs / 1e9}s (pods are named SERVICE-N, e.g. frontend-0)`];
  if (d.version < 0) return [head, `  ${d.pod} has no config yet`];
  const rows: string[][] = [['ENDPOINT', 'STATUS', 'OUTLIER CHECK', 'PRIORITY', 'RQ_ACTIVE', 'HEALTH FLAGS', 'POD']];
  for (const r of d.rows) rows.push([r.pod, r.status, r.outlierCheck, String(r.priority), String(r.rqActive), r.flags.length ? r.flags.join('|') : '-', r.podGone ? 'gone' : 'running']);
  const route = d.route ? [`  route (RDS) for ${d.service}, as this proxy applied it: ${d.route.map((r) => `${r.destination} ${r.weight}`).join(', ')}`] : [];
  return [head, table(rows, new Set([3, 4])), ...route];
}
