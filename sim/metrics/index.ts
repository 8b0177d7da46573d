export { Histogram, HISTOGRAM_BUCKETS, bucketIndex, bucketValue } from './histogram.ts';
export { MetricsRecorder, INTERVAL_COLUMNS } from './recorder.ts';
export type { IntervalColumn, SeriesKind, SeriesSpec, SeriesTotals, TimeSeries } from './recorder.ts';
export { ResponseFlag, FLAG_NAMES, flagsToString } from './response-flags.ts';
export type { ResponseFlagName } from './response-flags.ts';
export { histogramBins } from './histogram-bins.ts';
export type { HistogramBins } from './histogram-bins.ts';
export { ConnectionRecorder, NODE_SERIES, SERVICE_SERIES, blankConnectionSeries, connectionColumns, busiestNodePeakAt, nodeDropsAt, nodeSumAt } from './connection-series.ts';
export type { ConnectionSeries, NodeSeriesName, ServiceSeriesName } from './connection-series.ts';
