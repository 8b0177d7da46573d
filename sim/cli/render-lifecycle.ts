import type { ExpectationResult, ProxyStatusSummary, RunResult } from '../run/index.ts';
import { formatCount, formatMs, table } from './format.ts';

/**
 * Pod lifecycle and control-plane lines of the summary: per service the startup failures, app
 * restarts and rollouts; per variant istiod's pushes and how long proxies took to converge.
 */
export function lifecycleLines(runs: RunResult[]): string[] {
  const rows: string[][] = [['service', 'variant', 'startup failures', 'shutdown failures', 'app restarts', 'rollouts']];
  const variants = [...new Set(runs.map((r) => r.summary.variant))];
  const names = runs[0]!.summary.services.map((s) => s.name);
  for (const name of names) {
    let shown = false;
    for (const variant of variants) {
      const run = runs.find((r) => r.summary.variant === variant)!;
      const s = run.summary.services.find((x) => x.name === name)!;
      // Own keys only: a service may be called `constructor`.
      const rollouts = Object.hasOwn(run.summary.rollouts, name) ? run.summary.rollouts[name]! : [];
      if (s.startupFailures + s.shutdownFailures + s.appRestarts + rollouts.length === 0) continue;
      rows.push([
        shown ? '' : name,
        variant,
        formatCount(s.startupFailures),
        formatCount(s.shutdownFailures),
        formatCount(s.appRestarts),
        rollouts.length ? rollouts.map((d) => `${d.toFixed(1)}s`).join(', ') : '-',
      ]);
      shown = true;
    }
  }
  const out: string[] = [];
  if (rows.length > 1) out.push('pod lifecycle (outbound calls refused by the pod\'s own sidecar; crashed app containers; rollout durations)', table(rows, new Set([2, 3, 4])), '');
  out.push('control plane (pod change -> EndpointSlice -> istiod debounce -> push -> proxy applied)');
  const cp: string[][] = [['variant', 'pushes', 'convergence p50', 'p99', 'max', 'last proxy per push p99', 'new proxy first config p99']];
  for (const variant of variants) {
    const c = runs.find((r) => r.summary.variant === variant)!.summary.controlPlane;
    cp.push([variant, formatCount(c.pushes), formatMs(c.convergence.p50Ms), formatMs(c.convergence.p99Ms), formatMs(c.convergence.maxMs), formatMs(c.lastProxy.p99Ms), formatMs(c.initialConfig.p99Ms)]);
  }
  out.push(table(cp, new Set([1, 2, 3, 4, 5, 6])));
  return out;
}

/** One line per expectation: measured against wanted. */
export function expectationLines(results: ExpectationResult[], file?: string): string[] {
  return results.map((r) => {
    const wanted = [r.atLeast !== null ? `>= ${fmt(r.atLeast)}` : '', r.atMost !== null ? `<= ${fmt(r.atMost)}` : ''].filter(Boolean).join(' and ');
    const window = r.window ? ` over ${r.window}` : '';
    const seeds = r.seeds > 1 ? ` (mean of ${r.seeds} seeds)` : '';
    const where = file ? `${file}: ` : '';
    return `${r.pass ? 'PASS' : 'FAIL'}  ${where}${r.metric}${window} [${r.variant}] = ${r.measured === null ? 'no data' : fmt(r.measured)}${seeds}, want ${wanted}${r.description ? `  (${r.description})` : ''}`;
  });
}

function fmt(x: number): string {
  if (Number.isInteger(x)) return String(x);
  return Number(x.toPrecision(6)).toString();
}

/** `istioctl proxy-status`-style table at one time. */
export function proxyStatusLines(s: ProxyStatusSummary, variant: string): string[] {
  const rows: string[][] = [['NAME', 'SERVICE', 'STATUS', 'VERSION', 'APPLIED AT', 'BEHIND']];
  for (const r of s.rows) rows.push([r.pod, r.service, r.status, r.version < 0 ? '-' : String(r.version), r.version < 0 ? '-' : `${r.appliedAtS.toFixed(3)}s`, r.behind ? `yes (latest ${s.latestVersion})` : '-']);
  const counts = ['SYNCED', 'STALE', 'NOT SENT'].map((k) => `${s.rows.filter((r) => r.status === k).length} ${k}`).join(', ');
  const behind = s.rows.filter((r) => r.behind).length;
  return [`proxy-status at ${s.atS}s (${variant}): istiod version ${s.latestVersion}; ${counts}; ${behind} behind`, table(rows, new Set([3]))];
}
