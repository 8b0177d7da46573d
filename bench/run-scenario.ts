// Runs one scenario once and prints {wallMs, events, simS, requests, maxRssMiB} as JSON.
// The bench runs this in a fresh process so peak RSS belongs to this scenario alone.
import { existsSync, readFileSync } from 'node:fs';
import { runScenario } from '../sim/run/index.ts';
import { parseScenario } from '../sim/scenario/index.ts';

// FILE or FILE@VARIANT.
const [file, variant = 'base'] = process.argv[2]!.split('@') as [string, string?];
const scenario = parseScenario(readFileSync(file, 'utf8'), file);
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
