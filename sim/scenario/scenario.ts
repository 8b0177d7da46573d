import type { ScenarioParsed, WorkloadParsed } from './schema.ts';

/** A workload with its name filled in (`w0`, `w1`, ... when the scenario gives none). */
export type Workload = WorkloadParsed & { name: string };

/** A variant: overrides by path, and the whole scenario they produce (validated up front). */
export interface Variant {
  name: string;
  description?: string;
  set: Record<string, unknown>;
  scenario: Scenario;
}

/**
 * A validated scenario with every default applied and every unit converted: durations in
 * integer nanoseconds, rates per second, distributions as engine DistributionSpecs. Plain data
 * (structured-cloneable), so it crosses to worker threads unchanged.
 */
export interface Scenario extends Omit<ScenarioParsed, 'name' | 'workload' | 'variants'> {
  name: string;
  /** The file (or label) it was loaded from, for messages. */
  file: string;
  workload: Workload[];
  /** In the order the YAML lists them. Empty inside a variant's own scenario. */
  variants: Variant[];
}
