import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DidChangeWatchedFilesNotification, TextDocuments, TextDocumentSyncKind, type CodeAction, type Connection, type Diagnostic, type InitializeResult } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding } from '../engine/finding';
import { lintProject, lintProjectOfFile, type ProjectResult } from '../lint';
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
 * with its whole project (see lintFor: a `.yaml`/`.yml` document that no project reads and whose name does not
 * say Compose is left alone), reading every open document's unsaved text instead of the file on disk (the
 * loader's overlay). Lints on open, on change after DEBOUNCE_MS of quiet, and on save; publishes each finding
 * on the file it belongs to, and clears files whose findings are gone. Any other open document (`.env`,
 * `.compose-netlint.yaml`, a YAML file that is not a Compose file) and any change on disk the client reports
 * (WATCHED) re-lints every open Compose file. Code actions: each finding's fix, and a suppression comment.
 * `env` is the environment interpolation reads (the server's own).
 */
export function startServer(connection: Connection, env: Record<string, string | undefined>): void {
  const documents = new TextDocuments(TextDocument);
  const published = new Map<string, Published>();
  /** by open document: the file URIs its last lint published on */
  const publishedBy = new Map<string, Set<string>>();
  const timers = new Map<string, NodeJS.Timeout>();
  let watchDynamically = false;

  /** open documents whose last lint found them to be Compose files of a project (the others are left alone) */
  const composeDocs = new Set<string>();
  /** by open document: the version its last lint read, so that the change event that follows an open does not lint again */
  const lintedVersion = new Map<string, number>();

  const isYaml = (uri: string) => uri.startsWith('file:') && /\.ya?ml$/i.test(uri) && !/\/\.compose-netlint\.ya?ml$/i.test(uri);
  const overlay = () => new Map(documents.all().flatMap((d) => (d.uri.startsWith('file:') ? [[fileURLToPath(d.uri), d.getText()] as const] : [])));

  /** Lints an open YAML document; returns whether it is a Compose file (else it publishes nothing on its own). */
  const lintNow = (uri: string): boolean => {
    clearTimeout(timers.get(uri));
    timers.delete(uri);
    const document = documents.get(uri);
    if (!document) return false;
    lintedVersion.set(uri, document.version);
    const file = fileURLToPath(uri);
    const byUri = new Map<string, Diagnostic[]>();
    const before = publishedBy.get(uri) ?? new Set<string>();
    let compose = true;
    try {
      const result = lintFor(file, overlay(), env);
      if (!result) compose = false;
      const paths = result?.project.paths ?? new Map<string, string>();
      for (const [display, absolute] of paths) {
        const fileUri = uriOf(absolute);
        const findings = result!.findings.filter((f) => f.file === display && !f.suppressed);
        byUri.set(
          fileUri,
          findings.map((f) => toDiagnostic(f, paths)),
        );
        published.set(fileUri, { findings, paths, text: result!.project.sources.get(display) ?? '' });
      }
    } catch (error) {
      if (!(error instanceof InputError)) {
        connection.console.error(`compose-netlint: ${(error as Error).stack ?? String(error)}`);
        return true;
      }
      byUri.set(uri, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: 1, source: SOURCE, code: 'config-error', message: error.message }]);
      published.delete(uri);
    }
    if (compose) composeDocs.add(uri);
    else composeDocs.delete(uri);
    for (const old of before) if (!byUri.has(old)) byUri.set(old, []);
    for (const [fileUri, diagnostics] of byUri) void connection.sendDiagnostics({ uri: fileUri, diagnostics });
    publishedBy.set(uri, new Set([...byUri].filter(([, d]) => d.length > 0).map(([u]) => u)));
    return compose;
  };
  const lintAllOpen = (now: boolean, except?: string) => {
    for (const uri of composeDocs) if (uri !== except) (now ? lintNow : schedule)(uri);
  };
  /**
   * Lints a YAML document; when it is not a Compose file of its own, the open Compose files are linted again
   * instead, as its text may be read by one of them (an `include` or `extends` target outside discovery).
   */
  const lintYaml = (uri: string, now: boolean) => {
    if (!lintNow(uri)) lintAllOpen(now, uri);
  };
  const schedule = (uri: string) => {
    clearTimeout(timers.get(uri));
    timers.set(
      uri,
      setTimeout(() => lintYaml(uri, true), DEBOUNCE_MS),
    );
  };
  /** any other document, or a change on disk: every open Compose file again; the YAML documents not yet known to be ones too */
  const lintEverything = (now: boolean) => {
    for (const d of documents.all()) if (isYaml(d.uri) && !composeDocs.has(d.uri)) lintNow(d.uri);
    lintAllOpen(now);
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
  documents.onDidOpen((e) => (isYaml(e.document.uri) ? lintYaml(e.document.uri, true) : lintAllOpen(false)));
  documents.onDidChangeContent((e) => {
    // the library reports an opened document as changed too: its text was linted on open already
    if (lintedVersion.get(e.document.uri) === e.document.version) return;
    if (isYaml(e.document.uri)) schedule(e.document.uri);
    else lintAllOpen(false);
  });
  documents.onDidSave((e) => (isYaml(e.document.uri) ? lintYaml(e.document.uri, true) : lintAllOpen(true)));
  documents.onDidClose((e) => {
    const uri = e.document.uri;
    clearTimeout(timers.get(uri));
    timers.delete(uri);
    lintedVersion.delete(uri);
    for (const u of publishedBy.get(uri) ?? []) void connection.sendDiagnostics({ uri: u, diagnostics: [] });
    publishedBy.delete(uri);
    composeDocs.delete(uri);
    // the disk's text replaces the closed buffer's
    lintAllOpen(false);
  });
  connection.onDidChangeWatchedFiles(() => lintEverything(true));

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
 * Lints the project `file` belongs to, or undefined when it is not a Compose file: the project found from its
 * directory (as `lint` run there finds it: discovery upward, COMPOSE_FILE, override files, `include` and
 * `extends` targets) when that project reads the file; else, when its name says Compose (COMPOSE_NAMED, a
 * file meant for `-f`), the file on its own; else undefined, so that a workflow, a Kubernetes manifest or any
 * other YAML file gets no diagnostics. Throws InputError as lintProject does.
 */
export function lintFor(file: string, overlay: ReadonlyMap<string, string>, env: Record<string, string | undefined>): ProjectResult | undefined {
  const dir = path.dirname(file);
  const result = lintProjectOfFile(file, { cwd: dir, env, overlay });
  if (result) return result;
  return COMPOSE_NAMED.test(path.basename(file)) ? lintProject({ target: file, cwd: dir, env, overlay }) : undefined;
}

/**
 * Not a Docker rule: the names of files taken for Compose files when no project reads them, as given with
 * `-f` (`compose.prod.yaml`, `docker-compose.ci.yml`, `compose-dev.yaml`): starting with `compose` or
 * `docker-compose` and ending in `.yaml` or `.yml`.
 */
export const COMPOSE_NAMED = /^(docker-)?compose([.\-_].*)?\.ya?ml$/i;
