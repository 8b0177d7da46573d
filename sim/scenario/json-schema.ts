import { z } from 'zod';
import { ScenarioSchema } from './schema.ts';

/**
 * The JSON Schema of the scenario format, generated from the same zod definitions that
 * validate scenarios, so editors can autocomplete exactly what `meshsim validate` accepts.
 * Cross-field rules (references, cycles, limits) are not expressible here and stay in validate.
 */
export function scenarioJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(ScenarioSchema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }),
    $id: 'https://meshsim.dev/schema/scenario.json',
  };
}
