import type { Severity } from '../engine/finding';
import { RULE_CATALOG } from './catalog';
import { fingerprints, slashPath } from './shared';
import type { Formatter } from './types';

const SEVERITY: Record<Severity, 'major' | 'minor' | 'info'> = { error: 'major', warning: 'minor', info: 'info' };
const CATEGORY: Record<string, string> = { correctness: 'Bug Risk', security: 'Security', portability: 'Compatibility', style: 'Style' };

/**
 * GitLab Code Quality (a subset of the Code Climate issue format): a JSON array of issues with description,
 * check_name, fingerprint (the SARIF partial fingerprint: stable when lines shift), severity
 * (error major, warning minor, info info), categories and location path and lines.
 */
export const codeclimate: Formatter = ({ findings, sources }) => {
  const categoryOf = new Map(RULE_CATALOG.map((r) => [r.id, r.category]));
  const prints = fingerprints(findings, sources);
  const issues = findings.flatMap((f, i) => {
    if (f.suppressed) return [];
    const related = (f.related ?? []).map((r) => `- ${slashPath(r.file)}:${r.line}:${r.column}: ${r.message}`);
    return [
      {
        type: 'issue',
        check_name: f.ruleId,
        description: f.message,
        ...(related.length || f.docsUrl ? { content: { body: [...related, ...(f.docsUrl ? [`See ${f.docsUrl}`] : [])].join('\n') } } : {}),
        categories: [CATEGORY[f.category ?? categoryOf.get(f.ruleId) ?? 'correctness']],
        location: { path: slashPath(f.file), lines: { begin: f.line, end: f.endLine } },
        severity: SEVERITY[f.severity],
        fingerprint: prints[i],
      },
    ];
  });
  return JSON.stringify(issues, null, 2) + '\n';
};
