import type { Finding } from './finding';

interface Directive {
  file: string;
  line: number;
  column: number;
  endColumn: number;
  ids: string[];
  /** next-line: that line only; file: from the directive to the end of the file */
  scope: 'next-line' | 'file';
  reason: string;
  used: Set<string>;
}

const DIRECTIVE = /#\s*compose-netlint-(disable-next-line|disable)\b(.*)$/;

function parseDirectives(file: string, text: string): { directives: Directive[]; problems: Finding[] } {
  const directives: Directive[] = [];
  const problems: Finding[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    // a directive runs to the end of the line, so it starts after the line's last lone CR, U+2028 or U+2029
    // (which "." does not cross); matching only there keeps the regex from retrying at every earlier "#"
    const from = Math.max(line.lastIndexOf('\r'), line.lastIndexOf('\u2028'), line.lastIndexOf('\u2029')) + 1;
    const match = DIRECTIVE.exec(from === 0 ? line : line.slice(from));
    if (!match) return;
    const column = from + match.index + 1;
    const at = { file, line: index + 1, column, endLine: index + 1, endColumn: line.length + 1 };
    const [idsText, ...reasonParts] = match[2].split(/\s--\s?/);
    const reason = reasonParts.join(' -- ').trim();
    const ids = idsText
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (ids.length === 0 || !reason) {
      problems.push({
        ruleId: 'config-error',
        severity: 'warning',
        message: `"compose-netlint-${match[1]}" needs rule ids and a reason: "# compose-netlint-${match[1]} <id>[, <id>] -- <why>"; nothing was suppressed`,
        ...at,
      });
      return;
    }
    directives.push({ file, line: index + 1, column, endColumn: at.endColumn, ids, scope: match[1] === 'disable' ? 'file' : 'next-line', reason, used: new Set() });
  });
  return { directives, problems };
}

/**
 * Marks findings covered by inline directives as suppressed (with the reason as justification), and
 * reports directives with unknown rule ids and directives that suppress nothing.
 */
export function applySuppressions(findings: Finding[], sources: ReadonlyMap<string, string>, knownIds: ReadonlySet<string>): Finding[] {
  const byFile = new Map<string, Directive[]>();
  // per file: the next-line directive of each line, and the first file-wide directive of each rule id
  // (one directive per line, in line order): a finding looks up two candidates instead of every directive
  const nextLine = new Map<string, Map<number, Directive>>();
  const fileWide = new Map<string, Map<string, Directive>>();
  const extra: Finding[] = [];
  for (const [file, text] of sources) {
    if (!text.includes('compose-netlint-disable')) continue;
    const { directives, problems } = parseDirectives(file, text);
    byFile.set(file, directives);
    nextLine.set(file, new Map(directives.filter((d) => d.scope === 'next-line').map((d) => [d.line + 1, d])));
    const first = new Map<string, Directive>();
    for (const d of directives) if (d.scope === 'file') for (const id of d.ids) if (!first.has(id)) first.set(id, d);
    fileWide.set(file, first);
    for (const p of problems) extra.push(p);
  }
  const out = findings.map((finding) => {
    // the earlier of the two, as a scan of the directives in line order finds it
    const above = nextLine.get(finding.file)?.get(finding.line);
    const wide = fileWide.get(finding.file)?.get(finding.ruleId);
    const candidates = [wide && finding.line > wide.line ? wide : undefined, above?.ids.includes(finding.ruleId) ? above : undefined];
    const directive = candidates.filter((d) => d !== undefined).sort((x, y) => x!.line - y!.line)[0];
    if (!directive) return finding;
    directive.used.add(finding.ruleId);
    return { ...finding, suppressed: { justification: directive.reason } };
  });
  for (const directives of byFile.values()) {
    for (const d of directives) {
      const at = { file: d.file, line: d.line, column: d.column, endLine: d.line, endColumn: d.endColumn };
      for (const id of d.ids) {
        if (!knownIds.has(id)) {
          extra.push({ ruleId: 'config-error', severity: 'warning', message: `unknown rule id "${id}" in a suppression comment; run "compose-netlint rules" for the list`, ...at });
        } else if (!d.used.has(id)) {
          extra.push({ ruleId: 'config-error', severity: 'warning', message: `suppression of "${id}" suppresses nothing here; remove it`, ...at });
        }
      }
    }
  }
  return [...out, ...extra];
}
