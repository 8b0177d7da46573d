import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const bin = join(repoRoot, 'bin', 'meshsim.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion and collects its output. */
export function runProcess(file: string, args: string[], env: NodeJS.ProcessEnv = {}, cwd = repoRoot): Promise<CliResult> {
  const merged: NodeJS.ProcessEnv = { ...process.env, CI: 'true', ...env };
  delete merged.MESHSIM_DEBUG;
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd, env: merged, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The real bin/meshsim.js in a child process, as a user or a CI script runs it. */
export function meshsim(...args: string[]): Promise<CliResult> {
  return runProcess(process.execPath, [bin, ...args]);
}

/** No stack trace in either stream: every user-facing failure is a message. */
export function expectNoStackTrace(r: CliResult): void {
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stdout).not.toMatch(/^\s+at /m);
}
