/**
 * The `meshsim` command: a thin shell over the library. argv in, library calls, text out.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { parseDurationNs, scenarioJsonSchema } from '../scenario/index.ts';
import { checkCommand } from './check-command.ts';
import { CliError, EXIT, reportError } from './errors.ts';
import { HELP_EXAMPLES } from './help-examples.ts';
import { MESHSIM_VERSION } from './outputs.ts';
import { mergeCommand } from './merge-command.ts';
import { parseProxyConfigArg, runCommand } from './run-command.ts';
import { sweepCommand } from './sweep-command.ts';
import { validateCommand } from './validate-command.ts';

const out = (s: string) => process.stdout.write(s);
const err = (s: string) => process.stderr.write(s);

/** The commands, in the order --help lists them (an unknown command's message lists them too). */
const COMMANDS = ['run', 'validate', 'check', 'sweep', 'merge', 'schema'] as const;

/**
 * A reader that stops early (`meshsim schema | head`) closes the pipe; the next write fails with
 * EPIPE. Stop quietly with exit 0, as Unix tools do, instead of an unhandled 'error' event's
 * stack trace. Any other write error is still thrown.
 */
function exitQuietlyWhenPipeCloses(stream: NodeJS.WriteStream): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(EXIT.ok);
    throw e;
  });
}
exitQuietlyWhenPipeCloses(process.stdout);
exitQuietlyWhenPipeCloses(process.stderr);

/** Runs an action and maps its outcome to an exit code. */
async function guarded(action: () => unknown): Promise<void> {
  try {
    await action();
    process.exitCode = EXIT.ok;
  } catch (e) {
    process.exitCode = reportError(e, err);
  }
}

export async function main(argv: string[]): Promise<void> {
  await yargs(argv)
    .scriptName('meshsim')
    .usage('meshsim: a deterministic simulator of service-mesh behaviour\n\nUsage: $0 <command> [options]')
    .command(
      'run <file>',
      'Run a scenario and print its summary',
      (y) =>
        y
          .positional('file', { type: 'string', demandOption: true, describe: 'scenario YAML file' })
          .option('seeds', { type: 'number', requiresArg: true, default: 1, describe: 'replications: seeds S, S+1, ... (S = the scenario seed)' })
          .option('seed', { type: 'number', requiresArg: true, describe: "override the scenario's seed" })
          .option('workers', { type: 'number', requiresArg: true, describe: 'worker threads for several runs (default: cores - 1, at least 1)' })
          .option('out', { type: 'string', requiresArg: true, describe: 'directory for summary.json and timeseries.csv' })
          .option('access-log', { type: 'string', requiresArg: true, describe: 'write an Envoy-style JSON access log (one line per request)' })
          .option('report', { type: 'string', requiresArg: true, describe: 'write a self-contained HTML report (summary table and charts)' })
          .option('json', { type: 'boolean', default: false, describe: 'print the summary as JSON instead of a table' })
          .option('variants', { type: 'boolean', default: true, describe: "run the scenario's variants too (--no-variants: base only)" })
          .option('variant', { type: 'string', array: true, nargs: 1, describe: "run only this variant ('base': the scenario itself; repeatable)" })
          .option('check-invariants', { type: 'boolean', default: false, describe: "check the world's invariants after every timeline action and at the end (slower)" })
          .option('proxy-status', { type: 'string', array: true, nargs: 1, describe: 'print every proxy\'s config status at time T, like istioctl proxy-status (e.g. 31s; repeatable)' })
          .option('proxy-config', {
            type: 'string',
            array: true,
            nargs: 1,
            describe: "print one proxy's endpoints of one cluster at time T, like istioctl proxy-config endpoint: SERVICE/POD@T (e.g. api/frontend-3@45s; repeatable)",
          })
          .check((a) => {
            for (const t of (a.proxyConfig as unknown[] | undefined) ?? []) parseProxyConfigArg(String(t));
            for (const t of (a.proxyStatus as unknown[] | undefined) ?? []) if (parseDurationNs(String(t)) === undefined) throw new CliError(`--proxy-status takes a time with a unit, like 31s or 1500ms (got '${t}')`);
            if (!Number.isInteger(a.seeds) || a.seeds < 1 || a.seeds > 10_000) throw new CliError('--seeds must be an integer from 1 to 10000');
            if (a.workers !== undefined && (!Number.isInteger(a.workers) || a.workers < 1 || a.workers > 256)) throw new CliError('--workers must be an integer from 1 to 256');
            if (a.seed !== undefined && (!Number.isSafeInteger(a.seed) || a.seed < 0)) throw new CliError('--seed must be a non-negative integer');
            return true;
          }),
      (a) =>
        guarded(() =>
          runCommand(
            {
              file: a.file,
              seeds: a.seeds,
              seed: a.seed,
              workers: a.workers,
              out: a.out,
              accessLog: a.accessLog,
              report: a.report,
              json: a.json,
              variants: a.variants,
              only: (a.variant as unknown[] | undefined)?.map(String),
              checkInvariants: a.checkInvariants,
              proxyStatusAtNs: (a.proxyStatus as unknown[] | undefined)?.map((t) => parseDurationNs(String(t))!),
              proxyConfigAt: (a.proxyConfig as unknown[] | undefined)?.map((t) => parseProxyConfigArg(String(t))),
            },
            out,
            err,
          ),
        ),
    )
    .command(
      'validate <files..>',
      'Check scenarios; report every problem with file, line and path',
      (y) =>
        y
          .positional('files', { type: 'string', array: true, demandOption: true })
          .option('print', { type: 'boolean', default: false, describe: 'print the scenario with every default filled in (it parses back to the same scenario)' })
          .option('variant', { type: 'string', requiresArg: true, describe: 'print this variant as it runs: the scenario with its set: applied (implies --print)' })
          .check((a) => {
            if (Array.isArray(a.variant)) throw new CliError('validate --variant prints one variant; give it once');
            return true;
          }),
      (a) => {
        process.exitCode = validateCommand({ files: a.files, print: a.print, ...(a.variant !== undefined && { variant: a.variant }) }, out, err) > 0 ? EXIT.badInput : EXIT.ok;
      },
    )
    .command(
      'check <files..>',
      "Run scenarios with their variants and check their expect: lists (exit 4 when one fails)",
      (y) =>
        y
          .positional('files', { type: 'string', array: true, demandOption: true })
          .option('seeds', { type: 'number', requiresArg: true, default: 1, describe: 'check the mean over seeds S, S+1, ...' })
          .option('workers', { type: 'number', requiresArg: true, describe: 'worker threads (default: cores - 1, at least 1)' })
          .check((a) => {
            if (!Number.isInteger(a.seeds) || a.seeds < 1 || a.seeds > 10_000) throw new CliError('--seeds must be an integer from 1 to 10000');
            return true;
          }),
      async (a) => {
        try {
          const failed = await checkCommand({ files: a.files, seeds: a.seeds, workers: a.workers }, out, err);
          process.exitCode = failed > 0 ? EXIT.expectationFailed : EXIT.ok;
        } catch (e) {
          process.exitCode = reportError(e, err);
        }
      },
    )
    .command(
      'sweep <file>',
      'Run a parameter grid x variants x seeds; print the tidy table (or run one shard of it)',
      (y) =>
        y
          .positional('file', { type: 'string', demandOption: true, describe: 'scenario YAML file (its sweep: block is the grid)' })
          .option('set', { type: 'string', array: true, nargs: 1, default: [] as string[], describe: 'sweep a path over values: --set services.catalog.replicas=3,5,8 (repeatable)' })
          .option('seeds', { type: 'number', requiresArg: true, describe: 'seeds per grid point (default: sweep.seeds, or 1)' })
          .option('seed', { type: 'number', requiresArg: true, describe: "override the scenario's seed (the first seed)" })
          .option('workers', { type: 'number', requiresArg: true, describe: 'worker threads (default: cores - 1, at least 1)' })
          .option('shard', { type: 'string', requiresArg: true, describe: 'run only shard i of n (1-based), e.g. 2/3; needs --out' })
          .option('out', { type: 'string', requiresArg: true, describe: 'directory for sweep.json and sweep.csv (with --shard: shard-i-of-n.json)' })
          .option('report', { type: 'string', requiresArg: true, describe: 'write a self-contained HTML report' })
          .option('json', { type: 'boolean', default: false, describe: 'print sweep.json instead of the table' })
          .option('variants', { type: 'boolean', default: true, describe: "run the scenario's variants at every point (--no-variants: base only)" })
          .check((a) => {
            if (a.seeds !== undefined && (!Number.isInteger(a.seeds) || a.seeds < 1 || a.seeds > 10_000)) throw new CliError('--seeds must be an integer from 1 to 10000');
            if (a.workers !== undefined && (!Number.isInteger(a.workers) || a.workers < 1 || a.workers > 256)) throw new CliError('--workers must be an integer from 1 to 256');
            if (a.seed !== undefined && (!Number.isSafeInteger(a.seed) || a.seed < 0)) throw new CliError('--seed must be a non-negative integer');
            return true;
          }),
      (a) =>
        guarded(() =>
          sweepCommand(
            { file: a.file, set: a.set.map(String), seeds: a.seeds, seed: a.seed, workers: a.workers, shard: a.shard, out: a.out, report: a.report, json: a.json, variants: a.variants },
            out,
            err,
          ),
        ),
    )
    .command(
      'merge <dirs..>',
      "Merge shards' partial results (directories or shard-i-of-n.json files) into the whole sweep's result",
      (y) =>
        y
          .positional('dirs', { type: 'string', array: true, demandOption: true })
          .option('out', { type: 'string', requiresArg: true, describe: 'directory for sweep.json and sweep.csv' })
          .option('report', { type: 'string', requiresArg: true, describe: 'write a self-contained HTML report' })
          .option('json', { type: 'boolean', default: false, describe: 'print sweep.json instead of the table' }),
      (a) => guarded(() => mergeCommand({ inputs: a.dirs, out: a.out, report: a.report, json: a.json }, out, err)),
    )
    .command('schema', 'Print the JSON Schema of the scenario format', {}, () => guarded(() => out(JSON.stringify(scenarioJsonSchema(), null, 2) + '\n')))
    .example(HELP_EXAMPLES.map(([command, description]) => [command, description]))
    .epilogue('Exit codes: 0 ok, 2 bad input (scenario or arguments), 3 a run hit a limit, 4 an expectation failed (check), 1 internal error.')
    .demandCommand(1, `Say which command to run: ${COMMANDS.join(', ')}.`)
    .strict()
    .recommendCommands()
    .version(MESHSIM_VERSION)
    .help()
    .alias('h', 'help')
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((msg, e) => {
      // yargs's own parse errors (YError: "Not enough arguments following: set") are bad arguments too.
      if (e && !(e instanceof CliError) && e.name !== 'YError') throw e;
      // For a command it does not know, yargs says only "Did you mean run?" (recommendCommands)
      // or "Unknown argument: frobnicate" (strict): say it is an unknown command, and list them.
      const typo = /^Did you mean (\S+)\?$/.exec(msg ?? '');
      const command = argv.find((a) => !a.startsWith('-'));
      if (command !== undefined && !(COMMANDS as readonly string[]).includes(command)) {
        msg = `unknown command '${command}'${typo ? ` (did you mean '${typo[1]}'?)` : ''}; the commands are ${COMMANDS.join(', ')}`;
      }
      err(`meshsim: ${e?.message ?? msg}\nRun 'meshsim --help' for usage.\n`);
      process.exit(EXIT.badInput);
    })
    .parseAsync();
}

await main(hideBin(process.argv));
