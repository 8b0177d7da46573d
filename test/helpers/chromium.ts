import { execFileSync } from 'node:child_process';
import { runProcess, type CliResult } from './meshsim-cli.ts';

/** Debian's chromium (.ci/run installs it when missing); MESHSIM_CHROMIUM overrides. */
export function chromiumPath(): string {
  const wanted = process.env.MESHSIM_CHROMIUM ?? 'chromium';
  try {
    return execFileSync('sh', ['-c', `command -v "${wanted}"`], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(`headless Chromium is needed for the report tests: apt-get install chromium (or set MESHSIM_CHROMIUM); '${wanted}' was not found`);
  }
}

/** Headless Debian chromium as root: no sandbox, no GPU, none of its background network traffic. */
export const CHROMIUM_HEADLESS_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

// Nothing reaches the network: the resolver maps every host to nothing, so a report that needed
// the network could not draw.
const FLAGS = [
  ...CHROMIUM_HEADLESS_FLAGS,
  '--hide-scrollbars',
  '--host-resolver-rules=MAP * ~NOTFOUND',
];

/** The page's DOM after its scripts ran. */
export async function dumpDom(file: string, hash = ''): Promise<string> {
  const r = await chromium(['--dump-dom', `file://${file}${hash}`]);
  return r.stdout;
}

/** A PNG screenshot of the page at the given window size. */
export async function screenshot(file: string, png: string, width = 1400, height = 2400): Promise<CliResult> {
  return chromium([`--window-size=${width},${height}`, `--screenshot=${png}`, `file://${file}`]);
}

async function chromium(args: string[]): Promise<CliResult> {
  const r = await runProcess(chromiumPath(), [...FLAGS, ...args], { HOME: process.env.HOME ?? '/tmp' });
  if (r.code !== 0) throw new Error(`chromium exited ${r.code}: ${r.stderr.slice(-2000)}`);
  return r;
}
