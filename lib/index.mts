/**
 * The ES module entry (`import { lint } from 'compose-netlint'`): the named exports of the CommonJS API,
 * which is loaded with `require` so that they do not depend on how Node guesses a CommonJS module's exports.
 */
import { createRequire } from 'node:module';

const api: typeof import('./index.js') = createRequire(import.meta.url)('./index.js');

export const { lint, loadProject, buildGraph, formatFindings, rules, InputError } = api;
export type * from './index.js';
export default api;
