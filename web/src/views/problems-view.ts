/** Under the editor: "ok" with the scenario's size, or every problem as `meshsim validate` prints it. */
import { scenarioSize } from 'meshsim/browser';
import type { Validation } from '../editor.ts';

export function drawProblems(container: HTMLElement, v: Validation, file: string, onJump: (line: number) => void): void {
  container.replaceChildren();
  container.className = v.ok ? 'problems ok' : 'problems bad';
  if (v.ok) {
    container.textContent = `✓ ${file}: ok (${scenarioSize(v.scenario)})`;
    return;
  }
  if (!('lines' in v)) {
    container.textContent = `internal error while validating: ${v.crashed}`;
    return;
  }
  // `lines` and `problems` are in the same (file) order.
  v.lines.forEach((text, k) => {
    const div = document.createElement('div');
    div.className = 'problem';
    div.textContent = text;
    const line = v.problems[k]?.line ?? 0;
    if (line > 0) div.addEventListener('click', () => onJump(line));
    container.append(div);
  });
  const n = v.problems.length;
  const foot = document.createElement('div');
  foot.className = 'problem-foot';
  foot.textContent = `${n} problem${n === 1 ? '' : 's'} in ${file}; nothing can run until they are fixed.`;
  container.append(foot);
}
