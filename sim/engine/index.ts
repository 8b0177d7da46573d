// The engine's public surface. The engine imports nothing of ours outside this folder.
export { Scheduler, EngineError, NO_HANDLE, MAX_CANCELLABLE_PENDING, MAX_EVENT_KIND } from './scheduler.ts';
export type { Dispatch, Handle, StopReason, SchedulerOptions } from './scheduler.ts';
export { DelayLine } from './delay-line.ts';
export { EventQueue } from './event-queue.ts';
export { Rng, seedFor } from './rng.ts';
export type { RandomStream } from './rng.ts';
export { compileDistribution, normalQuantile, Z_99 } from './distributions.ts';
export type { DistributionSpec, Sampler } from './distributions.ts';
export * from './time.ts';
