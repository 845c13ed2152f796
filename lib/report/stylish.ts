import type { Finding } from '../engine/finding';
import { modeLine, oneLine, shown, sourceLines } from './shared';
import { summarise, type Formatter } from './types';

const COLORS = { error: '\x1b[31m', warning: '\x1b[33m', info: '\x1b[36m', dim: '\x1b[2m', bold: '\x1b[1m', reset: '\x1b[0m' };

/**
 * `file:line:col: severity: message [ruleId]`, then the source line with the span underlined; then the count
 * of problems, and a footer line per project with the mode it was linted in and why.
 */
export const stylish: Formatter = ({ findings: all, sources, color, projects }) => {
  const findings = shown(all);
  const paint = (code: string, text: string): string => (color ? `${code}${text}${COLORS.reset}` : text);
  const linesOf = sourceLines(sources);
  const out: string[] = [];
  for (const f of findings) {
    out.push(`${paint(COLORS.bold, `${oneLine(f.file)}:${f.line}:${f.column}`)}: ${paint(COLORS[f.severity], f.severity)}: ${oneLine(f.message)} ${paint(COLORS.dim, `[${f.ruleId}]`)}`);
    const line = linesOf(f.file)?.[f.line - 1];
    if (line !== undefined && line.length <= 500) out.push(...excerpt(line, f), '');
  }
  const { errors, warnings, infos } = summarise(findings);
  const total = errors + warnings + infos;
  if (total > 0) {
    const parts = [`${errors} ${plural(errors, 'error')}`, `${warnings} ${plural(warnings, 'warning')}`];
    if (infos) parts.push(`${infos} info`);
    out.push(paint(errors ? COLORS.error : COLORS.warning, `${total} ${plural(total, 'problem')} (${parts.join(', ')})`));
  }
  for (const project of projects) out.push(paint(COLORS.dim, modeLine(project)));
  return out.length ? out.join('\n') + '\n' : '';
};

function excerpt(line: string, f: Finding): string[] {
  const gutter = `${f.line} | `;
  const start = Math.max(0, f.column - 1);
  const end = f.endLine === f.line ? Math.max(start + 1, f.endColumn - 1) : Math.max(start + 1, line.length);
  // one column per character still, so the underline stays aligned: tabs as spaces, control characters as U+FFFD
  const expanded = line.replace(/\t/g, ' ').replace(/[\x00-\x1F\x7F-\x9F]/g, '\uFFFD');
  return [`${gutter}${expanded}`, `${' '.repeat(gutter.length)}${' '.repeat(start)}${'^'.repeat(Math.min(end, Math.max(expanded.length, start + 1)) - start)}`];
}

function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}
