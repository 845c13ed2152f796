import { DEFAULT_ENGINE_NAME } from '../model/engine-target';
import type { Rule } from './rule';

const LEVEL = { enum: ['off', 'info', 'warning', 'error'] };

/** The JSON Schema of `.compose-netlint.yaml`, generated from rule metadata (schemas/config.schema.json is checked against it). */
export function buildConfigSchema(rules: readonly Rule[]): Record<string, unknown> {
  const ruleProperties: Record<string, unknown> = {};
  for (const rule of [...rules].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    const withOptions = rule.options ? [{ type: 'array', prefixItems: [LEVEL, rule.options.schema], minItems: 1, maxItems: 2, items: false }] : [{ type: 'array', prefixItems: [LEVEL], minItems: 1, maxItems: 1, items: false }];
    ruleProperties[rule.id] = { description: rule.description, oneOf: [LEVEL, ...withOptions] };
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://github.com/compose-netlint/compose-netlint/schemas/config.schema.json',
    title: 'compose-netlint configuration',
    type: 'object',
    additionalProperties: false,
    properties: {
      rules: { type: 'object', additionalProperties: false, properties: ruleProperties },
      engine: {
        description: `the engine the project is linted for: FAMILY@MAJOR.MINOR[.PATCH][+rootless|+rootful|+desktop], such as docker@29.1 or podman@5.2 (default ${DEFAULT_ENGINE_NAME}); --engine overrides it`,
        type: 'string',
      },
      failOn: { description: 'the lowest severity that makes the run fail (exit 1)', enum: ['info', 'warning', 'error'] },
      ignore: { description: 'globs of Compose files whose findings are dropped, relative to the configuration file', type: 'array', items: { type: 'string', minLength: 1 } },
    },
  };
}
