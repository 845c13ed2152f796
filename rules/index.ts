import type { Rule } from '../lib/engine/rule';
import noUndefinedNetwork from './no-undefined-network';

/** Every rule, sorted by id. Adding a rule: its module here, its doc beside it, its fixtures in test/rules/<id>/. */
export const rules: readonly Rule[] = [noUndefinedNetwork];
