/**
 * `meshsim validate FILE... [--print [--variant NAME]]`: checks each file; with --print, writes
 * it back in the scenario format with every default filled in (sim/scenario/print.ts), which
 * parses back to the same scenario, so `--print > full.yaml` gives a file to run or edit.
 */
import { stringify } from 'yaml';
import { BASE_VARIANT } from '../run/index.ts';
import { isScenarioName, printableScenario } from '../scenario/print.ts';
import type { Scenario } from '../scenario/index.ts';
import { reportError, unknownVariant } from './errors.ts';
import { scenarioSize } from './format.ts';
import { readScenario } from './read-scenario.ts';

export interface ValidateArgs {
  files: string[];
  print: boolean;
  /** Print this variant as it runs (the base with its set: applied) instead of the scenario. */
  variant?: string;
}

/** Prints an ok line per valid file on stdout and the problems on stderr; returns how many failed. */
export function validateCommand(args: ValidateArgs, out: (s: string) => void, err: (s: string) => void): number {
  const print = args.print || args.variant !== undefined;
  let failed = 0;
  for (const file of args.files) {
    try {
      const s = readScenario(file);
      const text = print ? printed(s, file, args.variant) : '';
      // With --print, stdout is YAML: the ok line is a comment there, so `--print > f.yaml` stays
      // parseable; several files make a stream of documents, one per file.
      if (print && args.files.length > 1) out('---\n');
      out(`${print ? '# ' : ''}${file}: ok (${scenarioSize(s)})\n${text}`);
    } catch (e) {
      failed++;
      reportError(e, err);
    }
  }
  return failed;
}

function printed(s: Scenario, file: string, variant: string | undefined): string {
  const unnamed = (name: string) => (isScenarioName(name) ? '' : `# no name: line, '${name}' is no scenario name; the file's name stands in for it\n`);
  if (variant === undefined) return `# ${file}, every default filled in\n${unnamed(s.name)}${stringify(printableScenario(s))}`;
  // One run as its own scenario: no variants, and no expectations or sweep (they belong to the whole file).
  const alone = (scenario: Scenario, name: string): Scenario => ({ ...scenario, name, variants: [], expect: [], sweep: undefined });
  if (variant === BASE_VARIANT) return `# ${file}, the base as it runs, every default filled in\n${unnamed(s.name)}${stringify(printableScenario(alone(s, s.name)))}`;
  const v = s.variants.find((x) => x.name === variant);
  if (!v) throw unknownVariant(file, variant, [BASE_VARIANT, ...s.variants.map((x) => x.name)]);
  // The variant's own name (scenario/variant) is no scenario name; scenario.variant is, when short enough.
  const name = `${s.name}.${v.name}`;
  const doc = printableScenario(alone(v.scenario, name));
  return `# ${file}, variant ${v.name}: the scenario with its set: applied, every default filled in\n${unnamed(name)}${stringify(doc)}`;
}
