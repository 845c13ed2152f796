import { codeclimate } from './codeclimate';
import { compact } from './compact';
import { github } from './github';
import { json } from './json';
import { junit } from './junit';
import { sarif } from './sarif';
import { oneLineMessages } from './shared';
import { stylish } from './stylish';
import type { Formatter } from './types';

export type { Formatter, ProjectSummary, ReportInput } from './types';

const RAW: Record<string, Formatter> = { codeclimate, compact, github, json, junit, sarif, stylish };

/**
 * Every output format by name; each is a pure function of the findings. Every format gets the messages
 * through `oneLineMessages` (README, Security: messages quote the project's values with control characters
 * escaped), so none can print a raw ESC or start a line of its own, JSON formats included.
 */
export const formatters: Record<string, Formatter> = Object.fromEntries(Object.entries(RAW).map(([name, format]) => [name, (input) => format(oneLineMessages(input))]));
