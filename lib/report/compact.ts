import { oneLine, shown } from './shared';
import type { Formatter } from './types';

/** `file:line:col: severity: message [ruleId]`, one line per finding (control characters in a message escaped), no colours, no summary. */
export const compact: Formatter = ({ findings }) =>
  shown(findings)
    .map((f) => `${oneLine(f.file)}:${f.line}:${f.column}: ${f.severity}: ${oneLine(f.message)} [${f.ruleId}]\n`)
    .join('');
