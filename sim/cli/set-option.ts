import { parse } from 'yaml';
import { CliError } from './errors.ts';

/**
 * `--set path=v1,v2,...` -> one sweep axis. The values are read as a YAML flow list, so numbers
 * stay numbers, `2000/s` stays a string, and a value with commas inside braces or quotes is one
 * value: `--set 'services.b.app.serviceTime={exponential: {mean: 5ms}},10ms'`.
 */
export function parseSetOption(option: string): { path: string; values: unknown[] } {
  const eq = option.indexOf('=');
  const path = eq > 0 ? option.slice(0, eq).trim() : '';
  const list = eq > 0 ? option.slice(eq + 1) : '';
  if (!path || !list.trim()) throw new CliError(`--set ${option}: expected path=value1,value2,... (e.g. --set services.catalog.replicas=3,5,8)`);
  let values: unknown;
  try {
    values = parse(`[${list}]`);
  } catch {
    throw new CliError(`--set ${option}: cannot read the values as a comma-separated list`);
  }
  if (!Array.isArray(values) || values.length === 0 || values.some((v) => v === null)) {
    throw new CliError(`--set ${option}: needs one or more non-empty values separated by commas`);
  }
  return { path, values };
}

/** `--shard 2/3` -> { index: 2, count: 3 }. */
export function parseShardOption(option: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(option.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || count > 100_000 || index < 1 || index > count) {
    throw new CliError(`--shard ${option}: expected i/n with 1 <= i <= n <= 100000 (e.g. --shard 2/3); shards are numbered from 1`);
  }
  return { index, count };
}
