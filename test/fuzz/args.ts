/**
 * `npm run fuzz`'s command line, as a pure function so a test can check it: a mistyped flag or
 * property name must say so (exit 2), not start (or silently skip) a run that takes minutes.
 */

export const DEFAULT_RUNS = 1000;

export type FuzzArgs =
  | { kind: 'run'; runs: number; seed: number | undefined; properties: string[] }
  | { kind: 'help'; text: string }
  | { kind: 'error'; message: string };

const FLAGS = ['runs', 'seed', 'property'] as const;
type Flag = (typeof FLAGS)[number];

/** The arguments after `npm run fuzz --`, read against the names of the fuzzer's properties. */
export function parseFuzzArgs(argv: string[], propertyNames: string[]): FuzzArgs {
  // Help wins wherever it is: whoever asks for it may not know the other flags yet.
  if (argv.includes('--help') || argv.includes('-h')) return { kind: 'help', text: usage(propertyNames) };
  const values: Partial<Record<Flag, string>> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const m = /^--([^=]+)(?:=(.*))?$/s.exec(a);
    if (!m) return { kind: 'error', message: `unexpected argument '${a}'` };
    const name = m[1]!;
    if (!isFlag(name)) return { kind: 'error', message: `unknown flag '--${name}' (the flags are --runs, --seed, --property and --help)` };
    // `--runs=5` or `--runs 5`; a flag right after is a missing value, not the value.
    const value = m[2] ?? (argv[i + 1]?.startsWith('--') ? undefined : argv[++i]);
    if (value === undefined) return { kind: 'error', message: `--${name} needs a value` };
    values[name] = value;
  }
  return checked(values, propertyNames);
}

function isFlag(name: string): name is Flag {
  return (FLAGS as readonly string[]).includes(name);
}

/** The largest seed: fast-check's generator takes 32 bits of it. */
const MAX_SEED = 2 ** 32 - 1;

/** The flags' values checked: counts and seeds as integers, the property as a part of a name. */
function checked(values: Partial<Record<Flag, string>>, propertyNames: string[]): FuzzArgs {
  const runs = values.runs === undefined ? DEFAULT_RUNS : integer(values.runs);
  if (runs === undefined || runs < 1) return { kind: 'error', message: `--runs must be a whole number of cases, 1 or more, not '${values.runs}'` };
  const seed = values.seed === undefined ? undefined : integer(values.seed);
  // fast-check keeps a seed's low 32 bits (seed 2^32 + 5 replays seed 5): accept exactly those, as printed.
  if (values.seed !== undefined && (seed === undefined || seed < 0 || seed > MAX_SEED)) {
    return { kind: 'error', message: `--seed must be an integer from 0 to ${MAX_SEED}, not '${values.seed}'` };
  }
  const only = values.property;
  const properties = only === undefined ? propertyNames : propertyNames.filter((n) => n.includes(only));
  if (properties.length === 0) return { kind: 'error', message: `no property's name contains '${only}'; the properties are:\n${list(propertyNames)}` };
  return { kind: 'run', runs, seed, properties };
}

/** `Number` alone would take '' as 0 and '1.5' as a seed. */
function integer(text: string): number | undefined {
  const n = text.trim() === '' ? NaN : Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

function list(names: string[]): string {
  return names.map((n) => `  ${n}`).join('\n');
}

/**
 * A failed property's first lines: the seed and path that found it, and the command that replays
 * it. fast-check reports the seed signed (seed | 0); --seed takes it unsigned, as it was printed.
 */
export function failureHeader(name: string, seed: number, path: string | null, shrinks: number, runs: number): string {
  const replaySeed = seed >>> 0;
  return `FAIL  ${name}\n  seed ${replaySeed}, path ${path}, shrunk ${shrinks} times\n  replay: npm run fuzz -- --seed ${replaySeed} --runs ${runs} --property '${name}'\n`;
}

export function usage(propertyNames: string[]): string {
  return [
    'usage: npm run fuzz -- [--runs N] [--seed S] [--property NAME]',
    '',
    "Runs the scenario fuzzer's properties; a failure prints its shrunk case and how to replay it (exit 1).",
    '',
    `  --runs N         cases per property (default ${DEFAULT_RUNS})`,
    '  --seed S         the seed to start from, 0 to 4294967295 (default: a new one each run, printed)',
    '  --property NAME  only the properties whose name contains NAME (default: all)',
    '  --help, -h       this help',
    '',
    'properties:',
    list(propertyNames),
    '',
  ].join('\n');
}
