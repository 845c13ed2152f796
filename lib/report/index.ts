import { json } from './json';
import { stylish } from './stylish';
import type { Formatter } from './types';

export type { Formatter, ReportInput } from './types';

export const formatters: Record<string, Formatter> = { stylish, json };
