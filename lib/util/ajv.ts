import type Ajv from 'ajv';
import type Ajv2020 from 'ajv/dist/2020';

/*
 * Ajv is some 90 modules; a valid file needs none of them (its schema check is precompiled at build
 * time: lib/schema/precompiled.ts), so each class is loaded by the first caller that compiles a schema:
 * the explaining validator of a file with schema errors, a configuration file, a rule's options.
 */

/** Ajv's class for JSON Schema draft-07 (rule options), loaded on the first call. */
export function ajvDraft7(): typeof Ajv {
  return (require('ajv') as typeof import('ajv')).default;
}

/** Ajv's class for JSON Schema 2020-12 (the Compose schema, the configuration), loaded on the first call. */
export function ajv2020(): typeof Ajv2020 {
  return (require('ajv/dist/2020') as typeof import('ajv/dist/2020')).default;
}
