/**
 * deploy/k8s-indexed-job.yaml's command lines, run locally the way Kubernetes runs them: one
 * `sh -c` per completion index with JOB_COMPLETION_INDEX set, then the merge Job's command. The
 * merged result must be byte-identical to the same sweep run unsharded.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { meshsim, repoRoot, runProcess } from '../helpers/meshsim-cli.ts';

interface Container {
  command: string[];
  args: string[];
  env: { name: string; value: string }[];
  workingDir: string;
}

interface JobDoc {
  kind: string;
  spec: { completionMode?: string; completions?: number; parallelism?: number; template: { spec: { containers: Container[] } } };
}

function jobsIn(file: string): JobDoc[] {
  return parseAllDocuments(readFileSync(join(repoRoot, 'deploy', file), 'utf8'))
    .map((d) => d.toJS() as JobDoc)
    .filter((d) => d.kind === 'Job');
}

const dir = mkdtempSync(join(tmpdir(), 'meshsim-k8s-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const scenario = join(dir, 'small.yaml');
writeFileSync(
  scenario,
  `name: small
duration: 1s
services:
  web: { replicas: 2, calls: [{ service: db }] }
  db: { replicas: 1, timeout: 40ms, app: { serviceTime: { exponential: { mean: 5ms } }, concurrency: 2 } }
workload: [{ to: web, rate: 250/s }]
variants:
  more-db: { set: { services.db.replicas: 2 } }
sweep:
  seeds: 2
  grid: { services.db.app.concurrency: [1, 2, 3] }
`,
);

describe('deploy/k8s-indexed-job.yaml', () => {
  const [sweepJob] = jobsIn('k8s-indexed-job.yaml');
  const [mergeJob] = jobsIn('k8s-merge-job.yaml');

  it('is an Indexed Job whose SHARDS equals its completions (n = 3), run by sh -c in the image\'s checkout', () => {
    expect(sweepJob!.spec.completionMode).toBe('Indexed');
    expect(sweepJob!.spec.completions).toBe(3);
    const c = sweepJob!.spec.template.spec.containers[0]!;
    expect(c.env.find((e) => e.name === 'SHARDS')!.value).toBe('3');
    expect(c.command).toEqual(['/bin/sh', '-c']);
    expect(c.workingDir).toBe(mergeJob!.spec.template.spec.containers[0]!.workingDir);
  });

  it('its command lines for JOB_COMPLETION_INDEX 0, 1, 2 and the merge give exactly the unsharded result', async () => {
    const results = join(dir, 'volume');
    const envOf = (c: Container, extra: Record<string, string>) => ({ ...Object.fromEntries(c.env.map((e) => [e.name, e.value])), SCENARIO: scenario, RESULTS_DIR: results, ...extra });
    const c = sweepJob!.spec.template.spec.containers[0]!;
    const n = sweepJob!.spec.completions!;
    const pods = await Promise.all(Array.from({ length: n }, (_, k) => runProcess(c.command[0]!, [...c.command.slice(1), ...c.args], envOf(c, { JOB_COMPLETION_INDEX: String(k) }))));
    for (const p of pods) expect(p.code, p.stderr).toBe(0);
    expect(pods.map((p) => p.stderr.trim())).toEqual([1, 2, 3].map((i) => `wrote ${results}/shard-${i}/shard-${i}-of-3.json`));
    const m = mergeJob!.spec.template.spec.containers[0]!;
    const merge = await runProcess(m.command[0]!, [...m.command.slice(1), ...m.args], envOf(m, {}));
    expect(merge.code, merge.stderr).toBe(0);
    const whole = join(dir, 'whole');
    const unsharded = await meshsim('sweep', scenario, '--out', whole);
    expect(unsharded.code, unsharded.stderr).toBe(0);
    expect(readFileSync(join(results, 'merged', 'sweep.json'), 'utf8')).toBe(readFileSync(join(whole, 'sweep.json'), 'utf8'));
    expect(readFileSync(join(results, 'merged', 'sweep.csv'), 'utf8')).toBe(readFileSync(join(whole, 'sweep.csv'), 'utf8'));
    expect(readFileSync(join(results, 'merged', 'report.html'), 'utf8')).toMatch(/^<!doctype html>/i);
  });
});
