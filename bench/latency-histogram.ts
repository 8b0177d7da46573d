// Prints the latency histogram of a scenario's ingress requests (those the workloads send), in
// 1 s bins, from the access log of one run: how the README's conntrack tail was measured. The
// access log has a line per attempt (envoy.md §4.5); a request's own line, written when it ends,
// is its last, and its duration runs from the request's start: only that one is counted.
// Usage: node --import tsx bench/latency-histogram.ts FILE [VARIANT]
import { readFileSync } from 'node:fs';
import { connectLatencyText } from '../sim/cli/format.ts';
import { GATEWAY_NAME } from '../sim/mesh/kube/pods.ts';
import { runScenario } from '../sim/run/index.ts';
import { parseScenario } from '../sim/scenario/index.ts';

const file = process.argv[2]!;
const variant = process.argv[3] ?? 'base';
const scenario = parseScenario(readFileSync(file, 'utf8'), file);
/** Per ingress request id, its latest line: the duration in whole seconds and whether it was 2xx (retried attempts' lines come first). */
const last = new Map<number, { s: number; ok: boolean; ended: boolean }>();
const result = runScenario(scenario, {
  variant,
  accessLog: (r) => {
    if (r.downstreamPod !== GATEWAY_NAME) return;
    last.set(r.requestId, { s: Math.floor(r.durationNs / 1e9), ok: r.responseCode >= 200 && r.responseCode < 300, ended: !r.inFlightAtEnd });
  },
});
const bins = new Map<number, { ok: number; failed: number }>();
let total = 0;
for (const { s, ok, ended } of last.values()) {
  if (!ended) continue;
  total++;
  const b = bins.get(s) ?? { ok: 0, failed: 0 };
  if (ok) b.ok++;
  else b.failed++;
  bins.set(s, b);
}
console.log(`${file} [${variant}]: ${total} ingress requests ended; conntrack drops ${result.summary.conntrack?.drops ?? 0}`);
if (result.summary.conntrack) console.log(`connects by SYN that got through: ${connectLatencyText(result.summary.conntrack)}`);
console.log('latency   2xx        failed     share   (one # per 0.5 % of requests, at least one)');
for (const s of [...bins.keys()].sort((a, b) => a - b)) {
  const b = bins.get(s)!;
  const share = (b.ok + b.failed) / total;
  console.log(`${String(s).padStart(3)}-${String(s + 1).padEnd(3)}s  ${String(b.ok).padStart(9)}  ${String(b.failed).padStart(9)}  ${(share * 100).toFixed(3).padStart(7)}%  ${'#'.repeat(Math.ceil(share * 200))}`);
}
