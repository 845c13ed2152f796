import { codeclimate } from './codeclimate';
import { compact } from './compact';
import { github } from './github';
import { json } from './json';
import { junit } from './junit';
import { sarif } from './sarif';
import { stylish } from './stylish';
import type { Formatter } from './types';

export type { Formatter, ProjectSummary, ReportInput } from './types';

/** Every output format by name; each is a pure function of the findings. */
export const formatters: Record<string, Formatter> = { codeclimate, compact, github, json, junit, sarif, stylish };
