import type { Finding } from '../engine/finding';

export interface ReportInput {
  /** sorted; inline-suppressed ones included and marked: SARIF reports them as suppressed, every other format leaves them out */
  findings: Finding[];
  /** text of each file by displayed name, for formatters that show source lines */
  sources: Map<string, string>;
  projects: ProjectSummary[];
  color: boolean;
  toolVersion: string;
  exitCode: number;
}

export type Formatter = (input: ReportInput) => string;

/** A project linted: its name, the mode it was linted in and why (see decideMode), and its Compose files as displayed. */
export interface ProjectSummary {
  name: string;
  mode: string;
  /** completes "linted in <mode> mode because …"; absent when the caller of formatFindings does not know it */
  modeReason?: string;
  files: string[];
  /** the engine target it was linted for (`docker@29.1`; see lib/model/engine-target.ts); absent when the caller does not say */
  engine?: string;
}

export function summarise(findings: Finding[]): { errors: number; warnings: number; infos: number } {
  const summary = { errors: 0, warnings: 0, infos: 0 };
  for (const f of findings) {
    if (f.severity === 'error') summary.errors++;
    else if (f.severity === 'warning') summary.warnings++;
    else summary.infos++;
  }
  return summary;
}
