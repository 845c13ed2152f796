import { pathToFileURL } from 'node:url';
import { CodeActionKind, DiagnosticSeverity, type CodeAction, type Diagnostic, type Range, type TextEdit as LspTextEdit } from 'vscode-languageserver';
import type { Finding, Severity } from '../engine/finding';
import type { TextEdit } from '../engine/fix';
import type { Span } from '../source/span';

const SEVERITY: Record<Severity, DiagnosticSeverity> = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information };

/** Where the editor is told findings come from (`source` of each diagnostic). */
export const SOURCE = 'compose-netlint';

/** An LSP range (0-based lines and UTF-16 characters, end exclusive) from a span (1-based, end exclusive, UTF-16 columns). */
export function rangeOf(span: Pick<Span, 'line' | 'column' | 'endLine' | 'endColumn'>): Range {
  return { start: { line: span.line - 1, character: span.column - 1 }, end: { line: span.endLine - 1, character: span.endColumn - 1 } };
}

/**
 * A finding as an LSP diagnostic: its span as the range, severity, the rule id as `code` and its doc as
 * `codeDescription`, each related location (in `paths`: displayed name -> absolute path) as `relatedInformation`.
 */
export function toDiagnostic(f: Finding, paths: ReadonlyMap<string, string>): Diagnostic {
  const d: Diagnostic = { range: rangeOf(f), severity: SEVERITY[f.severity], code: f.ruleId, source: SOURCE, message: f.message };
  if (f.docsUrl) d.codeDescription = { href: f.docsUrl };
  const related = (f.related ?? []).filter((r) => paths.has(r.file));
  if (related.length) d.relatedInformation = related.map((r) => ({ location: { uri: uriOf(paths.get(r.file)!), range: rangeOf(r) }, message: r.message }));
  return d;
}

export function uriOf(file: string): string {
  return pathToFileURL(file).href;
}

/** Whether a diagnostic the client sends back is the one this finding became (same rule, same range). */
export function isDiagnosticOf(d: Diagnostic, f: Finding): boolean {
  const r = rangeOf(f);
  return d.code === f.ruleId && d.range.start.line === r.start.line && d.range.start.character === r.start.character && d.range.end.line === r.end.line && d.range.end.character === r.end.character;
}

/** The code action applying a finding's fix: its text edits by file URI. */
export function fixAction(f: Finding, diagnostic: Diagnostic, paths: ReadonlyMap<string, string>): CodeAction | undefined {
  if (!f.fix || f.fix.edits.some((e) => !paths.has(e.file))) return undefined;
  const changes: Record<string, LspTextEdit[]> = {};
  for (const e of f.fix.edits) (changes[uriOf(paths.get(e.file)!)] ??= []).push(lspEdit(e));
  return { title: `Fix: ${f.fix.title} (${f.fix.safety})`, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: f.fix.safety === 'safe', edit: { changes } };
}

function lspEdit(e: TextEdit): LspTextEdit {
  return { range: rangeOf(e), newText: e.text };
}

/**
 * The code action that silences a finding on its line: a `# compose-netlint-disable-next-line ID -- ` comment
 * (the syntax of lib/engine/suppress.ts) inserted above the line, indented as it. The reason after `--` is for
 * the user to write: until then the comment suppresses nothing and is itself reported ("needs rule ids and a reason").
 */
export function disableAction(f: Finding, diagnostic: Diagnostic, text: string, path: string): CodeAction {
  const line = text.split('\n')[f.line - 1] ?? '';
  const indent = /^[ \t]*/.exec(line)![0];
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const newText = `${indent}# compose-netlint-disable-next-line ${f.ruleId} -- ${eol}`;
  return {
    title: `Disable ${f.ruleId} for this line (then write the reason after "--")`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    edit: { changes: { [uriOf(path)]: [{ range: { start: { line: f.line - 1, character: 0 }, end: { line: f.line - 1, character: 0 } }, newText }] } },
  };
}
