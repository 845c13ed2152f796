import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DidChangeWatchedFilesNotification, TextDocuments, TextDocumentSyncKind, type CodeAction, type Connection, type Diagnostic, type InitializeResult } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding } from '../engine/finding';
import { lintProject, type ProjectResult } from '../lint';
import { InputError } from '../source/diagnostic';
import { disableAction, fixAction, isDiagnosticOf, SOURCE, toDiagnostic, uriOf } from './diagnostics';

/** Not a protocol value: how long typing must pause before a changed document is linted again, in milliseconds. */
export const DEBOUNCE_MS = 250;

/** What the last lint published on one file: its findings (for code actions), the project's paths and the file's text. */
interface Published {
  findings: Finding[];
  paths: ReadonlyMap<string, string>;
  text: string;
}

/** Files on disk whose change re-lints the open Compose files: the configuration, env files, and Compose files edited elsewhere. */
const WATCHED = ['**/.compose-netlint.{yaml,yml,json}', '**/package.json', '**/.env', '**/*.env', '**/*.{yaml,yml}'];

/**
 * The language server on `connection` (the caller starts it with `listen()`): lints each open Compose file
 * (a `.yaml`/`.yml` document) with its whole project as `lint` finds it (the project of the file's directory
 * when it holds the file, through override files, `include` and `extends`; else the file alone), reading every
 * open document's unsaved text instead of the file on disk (the loader's overlay). Lints on open, on change
 * after DEBOUNCE_MS of quiet, and on save; publishes each finding on the file it belongs to, and clears
 * files whose findings are gone. Any other open document (`.env`, `.compose-netlint.yaml`) and any change
 * on disk the client reports (WATCHED) re-lints every open Compose file. Code actions: each finding's fix,
 * and a suppression comment. `env` is the environment interpolation reads (the server's own).
 */
export function startServer(connection: Connection, env: Record<string, string | undefined>): void {
  const documents = new TextDocuments(TextDocument);
  const published = new Map<string, Published>();
  /** by open document: the file URIs its last lint published on */
  const publishedBy = new Map<string, Set<string>>();
  const timers = new Map<string, NodeJS.Timeout>();
  let watchDynamically = false;

  const isCompose = (uri: string) => uri.startsWith('file:') && /\.ya?ml$/i.test(uri) && !/\/\.compose-netlint\.ya?ml$/i.test(uri);
  const overlay = () => new Map(documents.all().flatMap((d) => (d.uri.startsWith('file:') ? [[fileURLToPath(d.uri), d.getText()] as const] : [])));

  const lintNow = (uri: string) => {
    clearTimeout(timers.get(uri));
    timers.delete(uri);
    if (!documents.get(uri)) return;
    const file = fileURLToPath(uri);
    const byUri = new Map<string, Diagnostic[]>();
    const before = publishedBy.get(uri) ?? new Set<string>();
    try {
      const result = lintFor(file, overlay(), env);
      const paths = result.project.paths;
      for (const [display, absolute] of paths) {
        const fileUri = uriOf(absolute);
        const findings = result.findings.filter((f) => f.file === display && !f.suppressed);
        byUri.set(
          fileUri,
          findings.map((f) => toDiagnostic(f, paths)),
        );
        published.set(fileUri, { findings, paths, text: result.project.sources.get(display) ?? '' });
      }
    } catch (error) {
      if (!(error instanceof InputError)) {
        connection.console.error(`compose-netlint: ${(error as Error).stack ?? String(error)}`);
        return;
      }
      byUri.set(uri, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: 1, source: SOURCE, code: 'config-error', message: error.message }]);
      published.delete(uri);
    }
    for (const old of before) if (!byUri.has(old)) byUri.set(old, []);
    for (const [fileUri, diagnostics] of byUri) void connection.sendDiagnostics({ uri: fileUri, diagnostics });
    publishedBy.set(uri, new Set([...byUri].filter(([, d]) => d.length > 0).map(([u]) => u)));
  };
  const schedule = (uri: string) => {
    clearTimeout(timers.get(uri));
    timers.set(
      uri,
      setTimeout(() => lintNow(uri), DEBOUNCE_MS),
    );
  };
  const lintAllOpen = (now: boolean) => {
    for (const d of documents.all()) if (isCompose(d.uri)) (now ? lintNow : schedule)(d.uri);
  };

  connection.onInitialize((params): InitializeResult => {
    watchDynamically = !!params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    return {
      capabilities: { textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: true }, codeActionProvider: { codeActionKinds: ['quickfix'] } },
      serverInfo: { name: 'compose-netlint' },
    };
  });
  connection.onInitialized(() => {
    if (watchDynamically) void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: WATCHED.map((globPattern) => ({ globPattern })) });
  });
  documents.onDidOpen((e) => (isCompose(e.document.uri) ? lintNow(e.document.uri) : lintAllOpen(false)));
  documents.onDidChangeContent((e) => (isCompose(e.document.uri) ? schedule(e.document.uri) : lintAllOpen(false)));
  documents.onDidSave((e) => (isCompose(e.document.uri) ? lintNow(e.document.uri) : lintAllOpen(true)));
  documents.onDidClose((e) => {
    clearTimeout(timers.get(e.document.uri));
    timers.delete(e.document.uri);
    if (isCompose(e.document.uri)) {
      for (const u of publishedBy.get(e.document.uri) ?? []) void connection.sendDiagnostics({ uri: u, diagnostics: [] });
      publishedBy.delete(e.document.uri);
    }
    // the disk's text replaces the closed buffer's
    lintAllOpen(false);
  });
  connection.onDidChangeWatchedFiles(() => lintAllOpen(true));

  connection.onCodeAction((params) => {
    const state = published.get(params.textDocument.uri);
    if (!state) return [];
    const actions: CodeAction[] = [];
    for (const d of params.context.diagnostics) {
      if (d.source !== SOURCE) continue;
      const finding = state.findings.find((f) => isDiagnosticOf(d, f));
      if (!finding) continue;
      const fix = fixAction(finding, d, state.paths);
      if (fix) actions.push(fix);
      // a malformed suppression comment is not itself suppressible
      if (finding.ruleId !== 'config-error') actions.push(disableAction(finding, d, state.text, fileURLToPath(params.textDocument.uri)));
    }
    return actions;
  });
  connection.onShutdown(() => {
    for (const t of timers.values()) clearTimeout(t);
    timers.clear();
  });
  documents.listen(connection);
}

/**
 * Lints the project `file` belongs to: the project found from its directory (as `lint` run there finds it)
 * when that project reads the file, else the file on its own. Throws InputError as lintProject does.
 */
export function lintFor(file: string, overlay: ReadonlyMap<string, string>, env: Record<string, string | undefined>): ProjectResult {
  const dir = path.dirname(file);
  try {
    const result = lintProject({ target: dir, cwd: dir, env, overlay });
    if ([...result.project.paths.values()].includes(file)) return result;
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
  }
  return lintProject({ target: file, cwd: dir, env, overlay });
}
