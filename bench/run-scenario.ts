// Runs one scenario once and prints {wallMs, events, simS, requests, maxRssMiB, digest, ...} as JSON.
// The bench runs this in a fresh process so peak RSS belongs to this scenario alone.
// Optional further arguments set fields by dotted path before parsing, as variants do
// (duration=60s, services.web.replicas=5000).
import { existsSync, readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { runScenario } from '../sim/run/index.ts';
import { parseScenario } from '../sim/scenario/index.ts';

// FILE or FILE@VARIANT, then optional PATH=VALUE overrides.
const [file, variant = 'base'] = process.argv[2]!.split('@') as [string, string?];
const doc = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
for (const arg of process.argv.slice(3)) {
  const [path, value] = arg.split('=') as [string, string];
  const keys = path.split('.');
  let o = doc;
  for (const k of keys.slice(0, -1)) o = (o[k] ??= {}) as Record<string, unknown>;
  o[keys[keys.length - 1]!] = /^[0-9]+$/.test(value) ? Number(value) : value === 'true' ? true : value === 'false' ? false : value;
}
const scenario = parseScenario(stringify(doc), file);
const start = process.hrtime.bigint();
const result = runScenario(scenario, { variant });
const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
const requests = result.summary.services.reduce((n, s) => n + s.startedTotal, 0);
const ingress = result.summary.workloads.reduce((n, s) => n + s.startedTotal, 0);
process.stdout.write(
  JSON.stringify({
    wallMs,
    events: result.summary.events,
    simS: result.summary.durationS,
    requests,
    ingress,
    pods: result.summary.podsCreated,
    maxRssMiB: peakRssMiB(),
    conntrack: result.summary.conntrack,
    // Equal digests mean equal results: a speed-up must leave both unchanged.
    digest: result.summary.digest,
    eventDigest: result.summary.eventDigest,
  }) + '\n',
);

/**
 * Peak RSS of this process. On Linux, getrusage's maxrss survives execve, so a child spawned by
 * a large parent would report the parent's peak; VmHWM belongs to this address space alone.
 */
function peakRssMiB(): number {
  if (existsSync('/proc/self/status')) {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) / 1024;
  }
  return process.resourceUsage().maxRSS / 1024;
}
