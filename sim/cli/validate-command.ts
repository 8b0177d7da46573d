/**
 * `meshsim validate FILE... [--print [--variant NAME]]`: checks each file; with --print, writes
 * it back in the scenario format with every default filled in (sim/scenario/print.ts), which
 * parses back to the same scenario, so `--print > full.yaml` gives a file to run or edit.
 */
import { stringify } from 'yaml';
import { printableScenario } from '../scenario/print.ts';
import type { Scenario } from '../scenario/index.ts';
import { CliError, reportError } from './errors.ts';
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
  if (variant === undefined || variant === 'base') return `# ${file}, every default filled in\n${stringify(printableScenario(s))}`;
  const v = s.variants.find((x) => x.name === variant);
  if (!v) throw new CliError(`${file} has no variant '${variant}' (variants: ${['base', ...s.variants.map((x) => x.name)].join(', ')})`);
  // The variant's own name (base/variant) is not a scenario name; base.variant is, when short enough.
  const name = `${s.name}.${v.name}`;
  const doc = printableScenario({ ...v.scenario, name: name.length <= 63 ? name : s.name });
  return `# ${file}, variant ${v.name}: the scenario with its set: applied, every default filled in\n${stringify(doc)}`;
}
