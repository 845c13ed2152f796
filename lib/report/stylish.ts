import type { Finding } from '../engine/finding';
import { shown, sourceLines } from './shared';
import { summarise, type Formatter } from './types';

const COLORS = { error: '\x1b[31m', warning: '\x1b[33m', info: '\x1b[36m', dim: '\x1b[2m', bold: '\x1b[1m', reset: '\x1b[0m' };

/** `file:line:col: severity: message [ruleId]`, then the source line with the span underlined. */
export const stylish: Formatter = ({ findings: all, sources, color }) => {
  const findings = shown(all);
  const paint = (code: string, text: string): string => (color ? `${code}${text}${COLORS.reset}` : text);
  const linesOf = sourceLines(sources);
  const out: string[] = [];
  for (const f of findings) {
    out.push(`${paint(COLORS.bold, `${f.file}:${f.line}:${f.column}`)}: ${paint(COLORS[f.severity], f.severity)}: ${f.message} ${paint(COLORS.dim, `[${f.ruleId}]`)}`);
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
  return out.length ? out.join('\n') + '\n' : '';
};

function excerpt(line: string, f: Finding): string[] {
  const gutter = `${f.line} | `;
  const start = Math.max(0, f.column - 1);
  const end = f.endLine === f.line ? Math.max(start + 1, f.endColumn - 1) : Math.max(start + 1, line.length);
  const expanded = line.replace(/\t/g, ' ');
  return [`${gutter}${expanded}`, `${' '.repeat(gutter.length)}${' '.repeat(start)}${'^'.repeat(Math.min(end, Math.max(expanded.length, start + 1)) - start)}`];
}

function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}
