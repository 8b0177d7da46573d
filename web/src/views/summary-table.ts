/** The summary table: the CLI's table in HTML, with variant deltas; click a series to chart it. */
import type { RunSummary } from 'meshsim/browser';
import { escapeHtml } from '../html.ts';
import { runFacts, summaryRows, SUMMARY_COLUMNS } from '../summary-rows.ts';

export function drawSummaryTable(container: HTMLElement, runs: RunSummary[], selected: string, onSelect: (series: string) => void, colorOf: (variant: string) => string, running: boolean): void {
  container.replaceChildren();
  if (runs.length === 0) {
    container.innerHTML = running
      ? '<p class="empty">Running… the table fills in as each run (base, then each variant) finishes.</p>'
      : '<p class="empty">Press <b>Run</b> to simulate the scenario; its summary appears here.</p>';
    return;
  }
  for (const kind of ['services', 'workloads'] as const) {
    const table = document.createElement('table');
    table.className = 'summary';
    table.dataset.testid = `summary-${kind}`;
    const head = table.createTHead().insertRow();
    for (const h of [kind === 'services' ? 'service' : 'workload', 'variant', ...SUMMARY_COLUMNS.map((c) => c.header)]) {
      const th = document.createElement('th');
      th.textContent = h;
      head.append(th);
    }
    const body = table.createTBody();
    for (const row of summaryRows(runs, kind)) {
      const tr = body.insertRow();
      tr.className = `${row.first ? 'first' : 'variant-row'}${row.series === selected ? ' selected' : ''}`;
      tr.dataset.series = row.series;
      tr.dataset.variant = row.variant;
      tr.addEventListener('click', () => onSelect(row.series));
      const name = tr.insertCell();
      name.textContent = row.first ? row.series : '';
      name.className = 'series-name';
      const variant = tr.insertCell();
      variant.innerHTML = `<span class="swatch" style="background:${colorOf(row.variant)}"></span>`;
      variant.append(row.variant);
      row.cells.forEach((cell, k) => {
        const col = SUMMARY_COLUMNS[k]!;
        const td = tr.insertCell();
        td.className = col.numeric ? 'num' : 'text';
        td.dataset.col = col.key;
        const value = document.createElement('span');
        value.className = 'value';
        value.textContent = cell.text;
        td.append(value);
        if (cell.delta) {
          const d = document.createElement('span');
          d.className = `delta ${deltaTone(col.key, cell.delta)}`;
          d.textContent = ` (${cell.delta})`;
          td.append(d);
        }
        if (cell.exact !== undefined && cell.exact !== null) td.title = String(cell.exact);
      });
    }
    container.append(table);
  }
  const facts = document.createElement('div');
  facts.className = 'facts';
  for (const run of runs) {
    const dl = document.createElement('dl');
    dl.dataset.variant = run.variant;
    dl.innerHTML = `<dt class="facts-title"><span class="swatch" style="background:${colorOf(run.variant)}"></span>${escapeHtml(run.variant)} · seed ${run.seed}</dt>`;
    for (const f of runFacts(run)) {
      const dt = document.createElement('dt');
      dt.textContent = f.label;
      const dd = document.createElement('dd');
      dd.textContent = f.value;
      if (f.label === 'result digest') dd.dataset.testid = `digest-${run.variant}`;
      dl.append(dt, dd);
    }
    facts.append(dl);
  }
  container.append(facts);
}

/** Green when the variant is better than the base, red when worse. */
function deltaTone(col: string, delta: string): string {
  if (delta === '=' || col === 'rate') return 'same';
  const up = delta.startsWith('+');
  const better = col === 'success' ? up : !up;
  return better ? 'better' : 'worse';
}
