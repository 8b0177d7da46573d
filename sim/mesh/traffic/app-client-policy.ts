/**
 * The calling app's own HTTP client for one call (services.X.calls[].client), compiled: how many
 * tries, how long each may take, and the wait between them. PagerDuty's library (seed 000) was
 * 3 tries with a 250 ms timeout, on top of the mesh's own retries.
 */
import type { AppClientParsed } from '../../scenario/schema-retries.ts';

export interface AppClientPolicy {
  attempts: number;
  /** 0 = no timeout. */
  timeoutNs: number;
  backoffBaseNs: number;
  backoffMaxNs: number;
  /** Exponential (doubling) waits; false: the same wait every time. */
  exponential: boolean;
  jitter: boolean;
}

export function compileAppClient(c: AppClientParsed | undefined): AppClientPolicy | undefined {
  if (c === undefined) return undefined;
  const b = c.backoff;
  if (typeof b === 'number') return { attempts: c.attempts, timeoutNs: c.timeout, backoffBaseNs: b, backoffMaxNs: b, exponential: false, jitter: false };
  return { attempts: c.attempts, timeoutNs: c.timeout, backoffBaseNs: b.base, backoffMaxNs: b.max ?? 10 * b.base, exponential: true, jitter: b.jitter };
}

/**
 * The wait before try `nextTry` (2 = the first retry): base x 2^(nextTry-2), capped at max; with
 * jitter, uniform in [0, that) from one draw in [0, 1) (the same full jitter as Envoy's, §4.2).
 */
export function appBackoffNs(p: AppClientPolicy, nextTry: number, unit: number): number {
  const interval = p.exponential ? Math.min(p.backoffMaxNs, p.backoffBaseNs * 2 ** (nextTry - 2)) : p.backoffBaseNs;
  return p.jitter ? Math.floor(unit * interval) : interval;
}
