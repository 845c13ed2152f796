import type { Finding, Severity } from '../engine/finding';
import { modeLine, oneLine, shown, slashPath } from './shared';
import type { Formatter } from './types';

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

/**
 * GitHub Actions workflow commands, one per finding:
 * `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=<ruleId>::message`.
 * GitHub's columns are inclusive (endColumn is the last character) and only allowed when the finding
 * starts and ends on one line, so a multi-line finding gives lines only. Related locations follow the
 * message on lines of their own. Each project's mode and its reason follow as a plain log line (not a
 * command, so no annotation), starting `compose-netlint: `.
 */
export const github: Formatter = ({ findings, projects }) =>
  [...shown(findings).map((f) => `::${COMMAND[f.severity]} ${properties(f)}::${escapeData(message(f))}`), ...projects.map((p) => `compose-netlint: ${modeLine(p)}`)].map((line) => `${line}\n`).join('');

function properties(f: Finding): string {
  const props: [string, string | number][] = [
    ['file', oneLine(slashPath(f.file))],
    ['line', f.line],
  ];
  if (f.endLine === f.line) props.push(['col', f.column], ['endLine', f.endLine], ['endColumn', Math.max(f.column, f.endColumn - 1)]);
  else props.push(['endLine', f.endLine]);
  props.push(['title', f.ruleId]);
  return props.map(([key, value]) => `${key}=${escapeProperty(String(value))}`).join(',');
}

function message(f: Finding): string {
  return [f.message, ...(f.related ?? []).map((r) => `related ${oneLine(slashPath(r.file))}:${r.line}:${r.column}: ${r.message}`)].join('\n');
}

/** As @actions/core escapes a command's message. */
export function escapeData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** As @actions/core escapes a command property value. */
export function escapeProperty(value: string): string {
  return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
