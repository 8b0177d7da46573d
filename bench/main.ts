// `npm run bench`: prints engine and scenario figures. Benchmarks are not tests: nothing here
// fails on timing. Each figure is the median of several runs (this machine's timings vary
// by +-15% between identical runs).
import { execFileSync } from 'node:child_process';
import { availableParallelism, cpus } from 'node:os';
import { holdModel } from './hold-model.ts';

const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function fmt(n: number, digits = 2): string {
  return n.toFixed(digits);
}

console.log(`meshsim bench · node ${process.version} · ${cpus()[0]?.model ?? 'cpu'} · ${availableParallelism()} cores\n`);

console.log('engine hold model (each event schedules one more at now + Exp(1ms) in whole us; median of ' + REPEATS + ')');
for (const pending of [1e3, 1e5, 1e6]) {
  const events = pending >= 1e6 ? 4e6 : 3e6;
  const rates = Array.from({ length: REPEATS }, (_, i) => holdModel(pending, events, i + 1).eventsPerSec);
  console.log(`  ${String(pending).padStart(8)} pending: ${fmt(median(rates) / 1e6)}M events/s  (runs: ${rates.map((r) => fmt(r / 1e6)).join(', ')})`);
}

/** A scenario file, its variant, and overrides by dotted path (bench/run-scenario.ts). */
const PAGERDUTY = 'scenarios/pagerduty-conntrack-4000-pods.yaml';
const HC = 'bench/scenarios/health-check-4000-pods.yaml';
const DEFAULT_RUNS: { file: string; variant?: string; set: string[]; label?: string }[] = [
  { file: 'scenarios/scale-4000-pods.yaml', set: [] },
  { file: 'scenarios/scale-rollout-1000-pods.yaml', set: [] },
  { file: 'scenarios/quickstart.yaml', set: [] },
  // Issue 7's bound: active HC on a 200-pod service called by every other pod, against the same run without it.
  { file: HC, set: [] },
  { file: HC, variant: 'active-health-check', set: [] },
  { file: PAGERDUTY, set: ['duration=60s'], label: 'first 60s' },
  // 10,000 pods on 200 nodes: the same per-node density and load per pod.
  { file: PAGERDUTY, set: ['duration=60s', 'cluster.nodes=200', 'services.web.replicas=5000', 'services.api.replicas=5000', 'workload.0.rate=75000/s'], label: '10,000 pods, first 60s' },
];
const runsToDo = process.argv.slice(2).length
  ? process.argv.slice(2).map((arg) => ({ file: arg.split('@')[0]!, variant: arg.split('@')[1], set: [] as string[], label: undefined }))
  : DEFAULT_RUNS;
const wallOf = new Map<string, { wallMs: number; rss: number }>();
for (const { file, variant = 'base', set, label } of runsToDo) {
  console.log(`\n${file}${label ? ` [${label}]` : ''} (${variant} variant, fresh process each run; median of ${REPEATS})`);
  const runs = Array.from({ length: REPEATS }, () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', new URL('./run-scenario.ts', import.meta.url).pathname, `${file}@${variant}`, ...set], { encoding: 'utf8', maxBuffer: 1 << 26 });
    return JSON.parse(out) as {
      wallMs: number; events: number; simS: number; requests: number; ingress: number; pods: number; maxRssMiB: number;
      conntrack: { connectionsOpened: number; connectionsOpenAtEnd: number; drops: number; stateBytes: number; pools: number; worstNode: { peakEntries: number } } | null;
    };
  });
  const r = runs[0]!;
  const wall = median(runs.map((x) => x.wallMs));
  console.log(`  ${r.pods} pods · ${r.simS}s simulated · ${(r.ingress / r.simS).toFixed(0)} ingress requests/s · ${(r.requests / r.simS).toFixed(0)} requests/s across the mesh`);
  console.log(`  wall time ${fmt(wall / 1000)}s  (runs: ${runs.map((x) => fmt(x.wallMs / 1000)).join(', ')})`);
  console.log(`  ${fmt(r.events / 1e6)}M events · ${fmt(r.events / (wall / 1000) / 1e6)}M events/s · ${fmt(r.requests / (wall / 1000) / 1e3, 0)}k simulated requests per wall second`);
  const rss = Math.max(...runs.map((x) => x.maxRssMiB));
  console.log(`  peak RSS ${fmt(rss, 0)} MiB (whole process, including the TypeScript loader)`);
  wallOf.set(`${file}@${variant}`, { wallMs: wall, rss });
  const ct = r.conntrack;
  if (ct) {
    console.log(`  ${ct.connectionsOpened.toLocaleString('en')} connections opened, ${ct.pools.toLocaleString('en')} pools, worst node peak ${ct.worstNode.peakEntries.toLocaleString('en')} entries, ${ct.drops.toLocaleString('en')} SYNs dropped`);
    console.log(`  cost per connection: ${fmt(ct.stateBytes / Math.max(1, ct.connectionsOpenAtEnd), 1)} bytes of pool and table state per open connection`);
  }
}

// Issue 7's bound: active HC on a 200-pod service called by every other pod costs at most 2x.
const off = wallOf.get(`${HC}@base`);
const on = wallOf.get(`${HC}@active-health-check`);
if (off && on) console.log(`\nactive HC on 760,000 (proxy, host) sessions: ${fmt(on.wallMs / off.wallMs)}x the wall time, ${fmt(on.rss / off.rss)}x the peak RSS of the same run without it`);
