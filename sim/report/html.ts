/** Building blocks of a self-contained HTML page: escaping, inline scripts and data, the shell. */

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A script inlined in the page: `</script` inside it would end the element early. */
export function inlineScript(source: string): string {
  return `<script>${source.replace(/<\/(script)/gi, '<\\/$1')}</script>`;
}

/** Data for the page's scripts, as JSON that cannot break out of its element. */
export function inlineJson(id: string, value: unknown): string {
  const json = JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  return `<script type="application/json" id="${id}">${json}</script>`;
}

/** Scripts the page runs, in order: d3 first, then meshsim's chart code. */
export interface ReportAssets {
  d3: string;
  scripts: string[];
}

export function page(title: string, css: string, body: string, data: unknown, assets: ReportAssets): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // Nothing may be fetched: every script, style and datum is in this file.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">`,
    `<title>${escapeHtml(title)}</title>`,
    `<style>${css}</style>`,
    '</head>',
    '<body data-rendered="pending">',
    body,
    '<pre id="report-errors" hidden></pre>',
    inlineJson('meshsim-data', data),
    inlineScript(assets.d3),
    ...assets.scripts.map(inlineScript),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** A table cell carrying its exact value, so a test (or a script) can read the number behind the text. */
export function valueCell(text: string, attrs: Record<string, string | number | null | undefined>): string {
  const a = Object.entries(attrs)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => ` data-${k}="${escapeHtml(String(v))}"`)
    .join('');
  return `<td class="num"${a}>${escapeHtml(text)}</td>`;
}
