/** One problem in a scenario, located in its file. */
export interface ScenarioProblem {
  /** Dotted path to the offending value, e.g. `services.backend.replicas` (empty for the document). */
  path: string;
  message: string;
  /** 1-based; 0 when the problem has no position (e.g. an empty file). */
  line: number;
  column: number;
}

/**
 * A scenario was rejected. Carries every problem found (not just the first), each with file,
 * line and path, so a user fixes them in one pass. The CLI prints `format()` and exits 2.
 */
export class ScenarioError extends Error {
  override name = 'ScenarioError';
  readonly file: string;
  readonly problems: readonly ScenarioProblem[];

  constructor(file: string, problems: readonly ScenarioProblem[]) {
    super(formatProblems(file, problems));
    this.file = file;
    // In file order, like the message: zod reports in schema order (seed before duration), which
    // made `.problems` and the printed lines disagree.
    this.problems = sortProblems(problems);
  }
}

/** `file:line:column: path: message`, one line per problem, in file order. */
export function formatProblems(file: string, problems: readonly ScenarioProblem[]): string {
  return sortProblems(problems)
    .map((p) => {
      const where = p.line > 0 ? `${file}:${p.line}:${p.column}` : file;
      return p.path ? `${where}: ${oneLine(p.path)}: ${oneLine(p.message)}` : `${where}: ${oneLine(p.message)}`;
    })
    .join('\n');
}

/**
 * A problem is one line: a key or value quoted from the file may hold a line break or a control
 * character (`"a\nb": 1`), which would split the problem or reach the terminal raw.
 */
function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1));
}

function sortProblems(problems: readonly ScenarioProblem[]): ScenarioProblem[] {
  return [...problems].sort((a, b) => a.line - b.line || a.column - b.column || a.path.localeCompare(b.path));
}

/** Renders a path array the way users write it in YAML and in variant overrides. */
export function pathToString(path: readonly PropertyKey[]): string {
  return path.map((k) => String(k)).join('.');
}
