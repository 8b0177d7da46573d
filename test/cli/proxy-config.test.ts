/**
 * `meshsim run --proxy-config SERVICE/POD@T`: one proxy's endpoints of one cluster, with Envoy's
 * health flags, as `istioctl proxy-config endpoint` lists them; bad arguments exit 2.
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectNoStackTrace, meshsim } from '../helpers/meshsim-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'meshsim-proxy-config-'));
const file = join(dir, 'kill.yaml');
writeFileSync(
  file,
  `duration: 12s
mesh:
  controlPlane: { endpointSliceDelay: 50ms, xdsLatency: 5ms }
services:
  web:
    calls: [{ service: api }]
  api:
    replicas: 3
    envoy:
      healthCheck: { timeout: 200ms, interval: 1s, unhealthyThreshold: 2, healthyThreshold: 2 }
workload: [{ to: web, rate: 20/s }]
timeline:
  - { at: 5s, kill: { service: api, pods: [api-1], replace: false } }
`,
);

/** The ENDPOINT rows of one listing: pod -> [STATUS, flags, pod state]. */
function rows(stdout: string, atS: number): Record<string, string[]> {
  const block = stdout.split('\n\n').find((b) => b.startsWith(`proxy-config endpoint web-0 --cluster "outbound|8080||api.default.svc.cluster.local" at ${atS}s`))!;
  return Object.fromEntries(
    block
      .split('\n')
      .slice(2)
      .map((l) => l.trim().split(/\s+/))
      .map((c) => [c[0]!, [c[1]!, c[5]!, c[6]!]]),
  );
}

describe('meshsim run --proxy-config', () => {
  it('shows a killed host pending removal while its checks still pass, then gone once they fail', async () => {
    const r = await meshsim('run', file, '--proxy-config', 'api/web-0@4s', '--proxy-config', 'api/web-0@5.5s', '--proxy-config', 'api/web-0@11s');
    expect(r.code).toBe(0);
    expect(rows(r.stdout, 4)).toEqual({ 'api-0': ['HEALTHY', '-', 'running'], 'api-1': ['HEALTHY', '-', 'running'], 'api-2': ['HEALTHY', '-', 'running'] });
    // EDS removed api-1 about 0.2 s after the kill; its next check has not yet timed out twice.
    const mid = rows(r.stdout, 5.5);
    expect(mid['api-1']![2]).toBe('gone');
    expect(mid['api-1']![1]).toContain('PENDING_DYNAMIC_REMOVAL');
    // Two timeouts (each 1s interval + 200ms) later, current Envoy (#6765) has deleted it.
    expect(Object.keys(rows(r.stdout, 11))).toEqual(['api-0', 'api-2']);
  });

  it('refuses a malformed argument, an unknown service or a name no pod can have with exit 2 and no stack trace', async () => {
    for (const [arg, message] of [
      ['api-web-0', /SERVICE\/POD@TIME/],
      ['api/web-0@soon', /SERVICE\/POD@TIME/],
      ['nope/web-0@1s', /no service 'nope'/],
      ['api/web-0@99s', /after the end of the run/],
      ['api/web0@1s', /^meshsim: --proxy-config api\/web0@1s: no pod can be named web0 in .*kill\.yaml: pods are named SERVICE-N, e\.g\. web-0 \(services: web, api\)\n$/],
      ['api/nope-0@1s', /no pod can be named nope-0/],
      ['api/web-00@1s', /no pod can be named web-00/],
    ] as const) {
      const r = await meshsim('run', file, '--proxy-config', arg);
      expect(r.code, arg).toBe(2);
      expect(r.stderr).toMatch(message);
      expectNoStackTrace(r);
    }
  });

  it('a pod that never existed is bad input: exit 2 after the run, naming it, with nothing printed or written', async () => {
    const logDir = mkdtempSync(join(dir, 'log-'));
    const r = await meshsim('run', file, '--proxy-config', 'api/web-0@4s', '--proxy-config', 'api/web-9@1s', '--access-log', join(logDir, 'access.log'));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('meshsim: --proxy-config api/web-9@1s: no pod named web-9 existed at 1s; web starts with web-0 (--proxy-status 1s lists the pods then)\nNothing was written.\n');
    expect(readdirSync(logDir)).toEqual([]);
    expectNoStackTrace(r);
  });

  it('a pod that exists in one variant only is shown there, and named as missing in the others (exit 0)', async () => {
    const withVariant = join(dir, 'variant.yaml');
    writeFileSync(withVariant, `${readFileSync(file, 'utf8')}variants:\n  two-webs: { set: { services.web.replicas: 2 } }\n`);
    const r = await meshsim('run', withVariant, '--proxy-config', 'api/web-1@4s');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('proxy-config endpoint web-1 at 4s (base)\n  no pod named web-1 existed at 4s');
    expect(r.stdout).toMatch(/^proxy-config endpoint web-1 --cluster "outbound\|8080\|\|api\.default\.svc\.cluster\.local" at 4s \(two-webs\)/m);
  });
});
