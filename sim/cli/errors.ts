import { ScenarioError } from '../scenario/index.ts';
import { RunError, SweepError } from '../run/index.ts';

/** Exit codes: scripts and sweeps can tell bad input from a run that hit a limit. */
export const EXIT = { ok: 0, internal: 1, badInput: 2, runStopped: 3, expectationFailed: 4 } as const;

/** A user mistake on the command line or with a file (not in a scenario's content). */
export class CliError extends Error {
  override name = 'CliError';
}

/** A file or directory the user named cannot be written: bad input (exit 2), not a bug in meshsim. */
export function cannotWrite(path: string, e: unknown): unknown {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const why: Record<string, string> = {
    EEXIST: 'a file is in the way of a directory',
    ENOTDIR: 'a file is in the way of a directory',
    EISDIR: 'it is a directory',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EROFS: 'read-only file system',
    ENOSPC: 'no space left on device',
  };
  return code && why[code] ? new CliError(`cannot write ${path}: ${why[code]}`) : e;
}

/** `--variant NAME` names no variant of the file: say which there are. */
export function unknownVariant(file: string, name: string, known: readonly string[]): CliError {
  return new CliError(`${file} has no variant '${name}' (variants: ${known.join(', ')})`);
}

/**
 * Prints an error the way a user should see it (no stack trace for anything they can fix)
 * and returns the exit code.
 */
export function reportError(e: unknown, stderr: (s: string) => void): number {
  if (e instanceof ScenarioError) {
    const n = e.problems.length;
    stderr(`${e.message}\n${n} problem${n === 1 ? '' : 's'} in ${e.file}; nothing was run.\n`);
    return EXIT.badInput;
  }
  if (e instanceof CliError || e instanceof SweepError) {
    stderr(`meshsim: ${e.message}\n`);
    return EXIT.badInput;
  }
  if (e instanceof RunError) {
    stderr(`meshsim: run stopped: ${e.message}\nNo results were written.\n`);
    return EXIT.runStopped;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  stderr(`meshsim: internal error: ${err.message}\n`);
  stderr(process.env.MESHSIM_DEBUG ? `${err.stack}\n` : 'This is a bug in meshsim; set MESHSIM_DEBUG=1 to see the stack trace.\n');
  return EXIT.internal;
}
