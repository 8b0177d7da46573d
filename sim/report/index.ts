export { renderRunReport } from './run-report.ts';
export type { RunReportInput } from './run-report.ts';
export { renderSweepReport } from './sweep-report.ts';
export { runChartData, MAX_CHART_POINTS } from './run-data.ts';
export type { RunChartData, VariantSeries } from './run-data.ts';
export type { ReportAssets } from './html.ts';
/** The report's browser scripts, in load order, relative to this folder (read by the CLI). */
export const REPORT_SCRIPTS = ['client/chart.js', 'client/report.js'] as const;
