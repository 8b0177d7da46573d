/** The report's stylesheet: print-friendly, readable without the charts, no web fonts. */
export const REPORT_CSS = `
:root { --fg: #1d2330; --muted: #5f6b7a; --line: #d9dee5; --bg: #ffffff; --panel: #f6f8fa; --bad: #b42318; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 32px 48px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--fg); background: var(--bg); }
header h1 { margin: 0 0 4px; font-size: 22px; }
header .meta { color: var(--muted); margin: 0 0 8px; }
header .description { max-width: 980px; margin: 0 0 8px; }
h2 { font-size: 17px; margin: 28px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 15px; margin: 18px 0 6px; }
h3 .kind { color: var(--muted); font-weight: normal; font-size: 13px; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 10px; border-bottom: 1px solid var(--line); text-align: left; white-space: nowrap; }
th { font-weight: 600; background: var(--panel); position: sticky; top: 0; }
td.num, th.num { text-align: right; }
tr.first td { border-top: 2px solid var(--line); }
td.bad { color: var(--bad); }
td .delta { color: var(--muted); font-size: 12px; margin-left: 4px; }
.table-wrap { overflow-x: auto; max-width: 100%; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 18px; margin: 6px 0 4px; color: var(--muted); font-size: 13px; }
.legend .swatch { display: inline-block; width: 18px; height: 0; border-top: 3px solid; vertical-align: middle; margin-right: 6px; }
.legend.small { font-size: 12px; gap: 2px 12px; margin: 0 0 0 58px; }
.legend .swatch.dashed { border-top-style: dashed; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(400px, 1fr)); gap: 8px 20px; }
.charts.four { grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); }
figure.chart { margin: 0; }
figure.chart figcaption { font-size: 13px; font-weight: 600; margin: 4px 0 0 4px; }
figure.chart svg { width: 100%; height: auto; display: block; overflow: visible; }
svg text { font: 11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; fill: var(--muted); }
svg .axis path, svg .axis line { stroke: #aab3bf; }
svg .grid line { stroke: #eef1f4; }
svg .mark line { stroke: #8a94a3; stroke-dasharray: 3 3; }
svg .mark text { fill: #5f6b7a; font-size: 10px; }
svg .warmup { fill: #f1f3f5; }
svg .hover line { stroke: #1d2330; stroke-opacity: 0.35; }
svg .tip rect { fill: #ffffff; stroke: #c7ced8; }
svg .tip text { fill: var(--fg); }
.timeline li { margin: 2px 0; }
.timeline .at { display: inline-block; min-width: 56px; font-variant-numeric: tabular-nums; color: var(--muted); }
.note { color: var(--muted); font-size: 13px; }
footer { margin-top: 32px; color: var(--muted); font-size: 12px; }
#report-errors { color: var(--bad); white-space: pre-wrap; }
@media print { body { padding: 0; } th { position: static; } }
`;
