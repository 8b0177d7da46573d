/** The scenario's `expect:` list checked against the runs: what `meshsim check` reports. */
import { formatPct, type ExpectationResult } from 'meshsim/browser';

export function drawExpectations(container: HTMLElement, results: ExpectationResult[]): void {
  container.replaceChildren();
  if (results.length === 0) return;
  const passed = results.filter((r) => r.pass).length;
  const head = document.createElement('div');
  head.className = `expect-head ${passed === results.length ? 'pass' : 'fail'}`;
  head.textContent = `expectations: ${passed} of ${results.length} pass`;
  container.append(head);
  const table = document.createElement('table');
  table.className = 'expectations';
  table.dataset.testid = 'expectations';
  for (const r of results) {
    const tr = table.insertRow();
    tr.className = r.pass ? 'pass' : 'fail';
    tr.dataset.metric = r.metric;
    tr.dataset.variant = r.variant;
    const cells = [
      r.pass ? '✓' : '✗',
      `${r.metric}${r.window ? ` (${r.window})` : ''}`,
      r.variant,
      `${value(r.metric, r.measured)}`,
      bounds(r),
      r.description ?? '',
    ];
    cells.forEach((text, k) => {
      const td = tr.insertCell();
      td.textContent = text;
      if (k === 0) td.className = 'badge';
      if (k === 5) td.className = 'muted';
    });
  }
  container.append(table);
}

function value(metric: string, x: number | null): string {
  if (x === null) return '-';
  return /Rate$/.test(metric) ? formatPct(x, 3) : String(Number(x.toPrecision(6)));
}

function bounds(r: ExpectationResult): string {
  const parts = [];
  if (r.atLeast !== null) parts.push(`≥ ${value(r.metric, r.atLeast)}`);
  if (r.atMost !== null) parts.push(`≤ ${value(r.metric, r.atMost)}`);
  return parts.join(' and ');
}
