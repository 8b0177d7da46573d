/**
 * Issue 12 end to end, through the real command: the inputs that used to crash meshsim are
 * bad input (exit 2, file:line, no stack trace), and a run stopped at a limit exits 3 and
 * leaves nothing behind, not even the --out directory.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { meshsim, STACK_LINE } from '../helpers/meshsim-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'meshsim-limits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function scenarioFile(name: string, yaml: string): string {
  const file = join(dir, name);
  writeFileSync(file, yaml);
  return file;
}

const corpus = (name: string) => `test/scenario/corpus/${name}`;

describe.concurrent('inputs that crashed meshsim are bad input', () => {
  it.each([
    ['47-yaml-unresolved-alias.yaml', "4:25: invalid YAML: alias *replicas refers to no anchor (define &replicas before the alias)"],
    ['48-yaml-alias-bomb.yaml', '7:15: invalid YAML: aliases expand the document to more than 200000 values (*a4 here alone stands for 66430); a scenario needs a few thousand'],
    ['49-yaml-nesting-depth.yaml', '4:98: invalid YAML: nested more than 64 levels deep; a scenario needs about 10'],
  ])('meshsim run %s exits 2 with the problem at its line, not an internal error', async (name, problem) => {
    const r = await meshsim('run', corpus(name));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`${corpus(name)}:${problem}\n1 problem in ${corpus(name)}; nothing was run.\n`);
    expect(r.stderr).not.toMatch(STACK_LINE);
  });
});

const stuck = scenarioFile(
  'stuck.yaml',
  `duration: 10s
services:
  slow: { replicas: 1, app: { serviceTime: 1h, concurrency: 1 } }
workload:
  - { to: slow, rate: 100/s, arrival: uniform }
limits: { maxInFlightRequests: 50 }
`,
);

describe.concurrent('limits as clear exits', () => {
  it('a run stopped at a limit does not create the --out directory', async () => {
    const out = join(dir, 'never-created', 'out');
    const r = await meshsim('run', stuck, '--out', out);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(
      'meshsim: run stopped: stuck seed=1: stopped at 510ms of 10s: more than limits.maxInFlightRequests (50) requests in flight at once; ' +
        'raise limits.maxInFlightRequests, or give the overloaded service more pods or a timeout\nNo results were written.\n',
    );
    expect(existsSync(join(dir, 'never-created'))).toBe(false);
  });

  it('limits.maxAccessLogMb stops the run with exit 3 and leaves no log', async () => {
    const file = scenarioFile('chatty.yaml', 'duration: 5s\nservices: { a: { replicas: 2 } }\nworkload: [{ to: a, rate: 5000/s, arrival: uniform }]\nlimits: { maxAccessLogMb: 1 }\n');
    const logDir = join(dir, 'chatty-log');
    const r = await meshsim('run', file, '--access-log', join(logDir, 'access.log'));
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^meshsim: run stopped: chatty: stopped at [\d.]+ms of 5s: the access log passed limits\.maxAccessLogMb \(1\) after \d+ lines; raise limits\.maxAccessLogMb \(at most 1048576\), or shorten the run or lower its rate\n/);
    expect(readdirSync(logDir)).toEqual([]);
  });

  it('the access log has a line, marked in_flight_at_end, for each request still open at the end', async () => {
    const file = scenarioFile('backlog.yaml', 'duration: 2s\nservices: { slow: { app: { serviceTime: 500ms, concurrency: 1 } } }\nworkload: [{ to: slow, rate: 4/s, arrival: uniform }]\n');
    const log = join(dir, 'backlog.log');
    const r = await meshsim('run', file, '--access-log', log, '--json');
    expect(r.code).toBe(0);
    const lines = readFileSync(log, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(7);
    expect(lines.filter((l) => l.in_flight_at_end === true).map((l) => [l.response_code, l.duration])).toEqual([
      [0, 1000],
      [0, 750],
      [0, 500],
      [0, 250],
    ]);
  });
});
