export { runScenario, expandRuns, scenarioFor, RunError } from './run-one.ts';
export type { RunOptions, Progress } from './run-one.ts';
export { mergeReplications, figure, studentT975 } from './merge.ts';
export type { MergedFigure, MergedSeries, MergedVariant } from './merge.ts';
export { BASE_VARIANT } from './result.ts';
export type { RunResult, RunSummary, RunSpec, SeriesSummary, LatencySummary, TimelineLogEntry } from './result.ts';
export { canonicalJson, ResultDigest } from './digest.ts';
export { formatAccessLogLine } from './access-log.ts';
export { MESHSIM_VERSION, summaryDocument, timeSeriesCsv } from './documents.ts';
