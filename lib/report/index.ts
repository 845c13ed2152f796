import { oneLineMessages } from './shared';
import type { Formatter } from './types';

export type { Formatter, ProjectSummary, ReportInput } from './types';

/** Each format's module, loaded when the format is first used: a run prints one or two of the seven. */
const LOADERS: Record<string, () => Formatter> = {
  codeclimate: () => (require('./codeclimate') as typeof import('./codeclimate')).codeclimate,
  compact: () => (require('./compact') as typeof import('./compact')).compact,
  github: () => (require('./github') as typeof import('./github')).github,
  json: () => (require('./json') as typeof import('./json')).json,
  junit: () => (require('./junit') as typeof import('./junit')).junit,
  sarif: () => (require('./sarif') as typeof import('./sarif')).sarif,
  stylish: () => (require('./stylish') as typeof import('./stylish')).stylish,
};

/**
 * Every output format by name; each is a pure function of the findings. Every format gets the messages
 * through `oneLineMessages` (README, Security: messages quote the project's values with control characters
 * escaped), so none can print a raw ESC or start a line of its own, JSON formats included.
 * The names are own enumerable properties (`Object.keys`, `Object.hasOwn` see all seven); a format's
 * module is loaded when it first formats.
 */
export const formatters: Record<string, Formatter> = Object.fromEntries(Object.entries(LOADERS).map(([name, load]): [string, Formatter] => [name, (input) => load()(oneLineMessages(input))]));
