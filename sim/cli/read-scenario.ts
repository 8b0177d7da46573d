import { readFileSync, statSync } from 'node:fs';
import { MAX_SCENARIO_BYTES, parseScenario, type Scenario } from '../scenario/index.ts';
import { CliError } from './errors.ts';

/** Reads and validates a scenario file; a missing or unreadable file is a CliError (exit 2). */
export function readScenario(file: string): Scenario {
  return parseScenario(readScenarioText(file), file);
}

/** A scenario file's text; a missing, unreadable or oversized file is a CliError (exit 2). */
export function readScenarioText(file: string): string {
  let text: string;
  try {
    if (statSync(file).size > MAX_SCENARIO_BYTES) throw new CliError(`${file} is larger than ${MAX_SCENARIO_BYTES} bytes`);
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof CliError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : String((e as Error).message);
    throw new CliError(`cannot read ${file}: ${why}`);
  }
  return text;
}
