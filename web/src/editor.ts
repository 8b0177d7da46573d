/**
 * The scenario editor: CodeMirror 6 with YAML mode, line numbers and validation as you type
 * by the library's own validator, so each problem shows at its line with the message
 * `meshsim validate` prints.
 */
import { yaml } from '@codemirror/lang-yaml';
import { linter, lintGutter, type Diagnostic } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { basicSetup } from 'codemirror';
import { formatProblems, parseScenario, ScenarioError, type Scenario, type ScenarioProblem } from 'meshsim/browser';

export type Validation = { ok: true; scenario: Scenario } | { ok: false; problems: readonly ScenarioProblem[]; lines: string[] } | { ok: false; crashed: string };

/** Validates text as the CLI validates the file `file`. */
export function validate(text: string, file: string): Validation {
  try {
    return { ok: true, scenario: parseScenario(text, file) };
  } catch (e) {
    if (e instanceof ScenarioError) return { ok: false, problems: e.problems, lines: formatProblems(file, e.problems).split('\n') };
    return { ok: false, crashed: e instanceof Error ? e.message : String(e) };
  }
}

export interface ScenarioEditor {
  text(): string;
  setText(text: string): void;
  view: EditorView;
}

export function createEditor(parent: HTMLElement, opts: { file: () => string; onValidated: (v: Validation, text: string) => void }): ScenarioEditor {
  const check = linter(
    (view) => {
      const text = view.state.doc.toString();
      const v = validate(text, opts.file());
      opts.onValidated(v, text);
      if (v.ok || !('problems' in v)) return [];
      return v.problems.map((p): Diagnostic => {
        const doc = view.state.doc;
        const line = doc.line(Math.max(1, Math.min(doc.lines, p.line || 1)));
        const from = Math.min(line.to, line.from + Math.max(0, p.column - 1));
        return { from, to: Math.max(from, line.to), severity: 'error', message: p.path ? `${p.path}: ${p.message}` : p.message };
      });
    },
    { delay: 250 },
  );
  const view = new EditorView({
    parent,
    state: EditorState.create({ doc: '', extensions: [basicSetup, yaml(), lintGutter(), check, EditorView.lineWrapping] }),
  });
  return {
    view,
    text: () => view.state.doc.toString(),
    setText: (text) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } }),
  };
}
