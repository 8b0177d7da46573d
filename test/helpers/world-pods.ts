import type { World } from '../../sim/mesh/world.ts';

/** The ids of every pod of service `name` the world has created so far (cold: tests only). */
export function podsOf(world: World, name: string): number[] {
  const { pods } = world.ctx;
  const service = world.services.findIndex((s) => s.name === name);
  const ids: number[] = [];
  for (let p = 0; p < pods.count; p++) if (pods.service[p] === service) ids.push(p);
  return ids;
}
