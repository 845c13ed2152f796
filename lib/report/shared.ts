import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { subjectId, type Finding } from '../engine/finding';
import type { ProjectSummary, ReportInput } from './types';

/** Findings a report shows: everything but inline-suppressed ones (SARIF alone carries those, marked). */
export function shown(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => !f.suppressed);
}

/** A displayed file name with `/` separators, as CI systems expect paths relative to the checkout. */
export function slashPath(file: string): string {
  return path.sep === '/' ? file : file.split(path.sep).join('/');
}

/** The lines of each source text, split on first use: a report splits each file once, not once per finding. */
export function sourceLines(sources: ReadonlyMap<string, string>): (file: string) => readonly string[] | undefined {
  const cache = new Map<string, string[]>();
  return (file) => {
    let lines = cache.get(file);
    if (lines === undefined) {
      const text = sources.get(file);
      if (text === undefined) return undefined;
      cache.set(file, (lines = text.split(/\r?\n/)));
    }
    return lines;
  };
}

/** The text a span covers, whitespace collapsed; '' when the source is not at hand. `linesOf` comes from `sourceLines`. */
export function spanSource(f: Pick<Finding, 'file' | 'line' | 'column' | 'endLine' | 'endColumn'>, linesOf: (file: string) => readonly string[] | undefined): string {
  const all = linesOf(f.file);
  if (all === undefined) return '';
  const lines = all.slice(f.line - 1, f.endLine);
  if (lines.length === 0) return '';
  if (lines.length === 1) lines[0] = lines[0].slice(f.column - 1, f.endLine === f.line ? f.endColumn - 1 : undefined);
  else {
    lines[0] = lines[0].slice(f.column - 1);
    lines[lines.length - 1] = lines[lines.length - 1].slice(0, f.endColumn - 1);
  }
  return lines.join('\n').replace(/\s+/g, ' ').trim();
}

/**
 * A fingerprint per finding (same order) that survives edits elsewhere in the file. For a rule's finding it
 * hashes the rule id, the file, the messageId, the subject (subjectId) and the message data, with data keys
 * that name a line left out and "line N" inside values blanked: never the message text or the position. For
 * a finding without them (schema, syntax and configuration errors) it hashes the message, lines blanked, and
 * the text the finding blames. Identical keys in one file are numbered in order of appearance; suppressed
 * findings count too, so suppressing one does not renumber the others.
 */
export function fingerprints(findings: readonly Finding[], sources: ReadonlyMap<string, string>): string[] {
  const seen = new Map<string, number>();
  const linesOf = sourceLines(sources);
  return findings.map((f) => {
    const what = f.messageId !== undefined ? [f.messageId, f.subject ? subjectId(f.subject) : '', stableData(f.data)] : [blankLines(f.message), spanSource(f, linesOf)];
    const key = ['compose-netlint/v1', f.ruleId, slashPath(f.file), ...what].join('\0');
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    return createHash('sha256').update(`${key}\0${n}`).digest('hex').slice(0, 32);
  });
}

function blankLines(text: string): string {
  return text.replace(/\b(lines?) \d+/g, '$1 ?');
}

/** A finding's data as one string, keys sorted, without what moves when lines are added elsewhere. */
function stableData(data: Finding['data']): string {
  return Object.keys(data ?? {})
    .filter((k) => !/^line/.test(k))
    .sort()
    .map((k) => `${k}=${blankLines(String(data![k]))}`)
    .join('\0');
}

/**
 * Keeps a message on one line and free of terminal control sequences: CR and LF as `\r` and `\n`, other
 * C0 and C1 control characters (ESC, and U+009B, which some terminals take as CSI) as `\uXXXX`; tabs stay.
 * Whatever a project names can then neither redraw a terminal nor start a line of its own (a GitHub
 * workflow command is a line that starts with `::`).
 */
export function oneLine(text: string): string {
  return text.replace(/[\x00-\x1F\x7F-\x9F]/g, (c) => (c === '\r' ? '\\r' : c === '\n' ? '\\n' : c === '\t' ? '\t' : `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`));
}

/** The input with each finding's message and related messages through `oneLine`; positions, file names and sources unchanged. */
export function oneLineMessages(input: ReportInput): ReportInput {
  const findings = input.findings.map((f) => ({ ...f, message: oneLine(f.message), ...(f.related ? { related: f.related.map((r) => ({ ...r, message: oneLine(r.message) })) } : {}) }));
  return { ...input, findings };
}

/** `project "shop" linted in compose mode because …`, on one line (file names in the reason are the user's). */
export function modeLine(project: ProjectSummary): string {
  return oneLine(`project "${project.name}" linted in ${project.mode} mode${project.modeReason ? ` because ${project.modeReason}` : ''}${project.engine ? `; engine target ${project.engine}` : ''}`);
}
