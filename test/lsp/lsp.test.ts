import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  CodeActionRequest,
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type CodeAction,
  type Diagnostic,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type TextEdit,
} from 'vscode-languageserver-protocol/node';
import { tempProject } from '../helpers/project';

const BIN = path.resolve(__dirname, '..', '..', 'dist', 'lib', 'cli', 'bin.js');
/** bounded waits: a diagnostic that does not come within this fails the test */
const WAIT_MS = 10_000;

const BASE_ON_DISK = 'services:\n  web:\n    image: nginx\n    network_mode: bridge\n';
const BASE_HOST = 'services:\n  web:\n    image: nginx\n    network_mode: host\n';
const OVERRIDE = 'services:\n  web:\n    ports:\n      - "8080:80"\n    environment:\n      A: b\n';

/** A client over the server's stdio, recording every publishDiagnostics and answering `client/registerCapability`. */
class Client {
  readonly child: ChildProcess;
  readonly connection: ProtocolConnection;
  private readonly waiters: { uri: string; test: (d: Diagnostic[]) => boolean; resolve: (d: Diagnostic[]) => void }[] = [];
  readonly latest = new Map<string, Diagnostic[]>();

  constructor(env: NodeJS.ProcessEnv) {
    this.child = spawn(process.execPath, [BIN, 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'], env });
    this.connection = createProtocolConnection(new StreamMessageReader(this.child.stdout!), new StreamMessageWriter(this.child.stdin!));
    this.connection.onNotification(PublishDiagnosticsNotification.type, (p: PublishDiagnosticsParams) => {
      this.latest.set(p.uri, p.diagnostics);
      for (const w of [...this.waiters]) {
        if (w.uri === p.uri && w.test(p.diagnostics)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(p.diagnostics);
        }
      }
    });
    this.connection.listen();
  }

  /** The next diagnostics published for `uri` that pass `test` (or the latest already published, if they do). */
  diagnostics(uri: string, test: (d: Diagnostic[]) => boolean): Promise<Diagnostic[]> {
    const now = this.latest.get(uri);
    if (now && test(now)) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching diagnostics for ${uri} within ${WAIT_MS} ms; last: ${JSON.stringify(this.latest.get(uri))}`)), WAIT_MS);
      this.waiters.push({ uri, test, resolve: (d) => (clearTimeout(timer), resolve(d)) });
    });
  }

  async close(): Promise<number | null> {
    await this.connection.sendRequest(ShutdownRequest.type);
    const exited = new Promise<number | null>((resolve) => this.child.on('exit', (code) => resolve(code)));
    await this.connection.sendNotification(ExitNotification.type);
    return exited;
  }
}

function applyEdits(text: string, edits: TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('file:///x', 'yaml', 0, text), edits);
}

describe('lsp: the language server over JSON-RPC on stdio', function () {
  this.timeout(60_000);
  let client: Client | undefined;
  afterEach(() => client?.child.kill());

  it('publishes a finding of the project on the file it belongs to, reads unsaved text, clears it when fixed, and applies its code actions', async () => {
    const dir = tempProject({ 'compose.yaml': BASE_ON_DISK, 'compose.override.yaml': OVERRIDE });
    const baseUri = pathToFileURL(path.join(dir, 'compose.yaml')).href;
    const overrideUri = pathToFileURL(path.join(dir, 'compose.override.yaml')).href;
    client = new Client({ PATH: process.env.PATH });
    const c = client.connection;
    const init = await c.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: pathToFileURL(dir).href, capabilities: {}, workspaceFolders: null });
    expect(init.capabilities.codeActionProvider).to.deep.equal({ codeActionKinds: ['quickfix'] });
    await c.sendNotification(InitializedNotification.type, {});

    // the open, unsaved base file says host networking; the disk says bridge: the unsaved text wins
    await c.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: baseUri, languageId: 'yaml', version: 1, text: BASE_HOST } });
    const [finding] = await client.diagnostics(overrideUri, (d) => d.length > 0);
    expect(finding).to.deep.include({
      range: { start: { line: 2, character: 4 }, end: { line: 2, character: 9 } },
      severity: 2,
      code: 'no-host-network-ports',
      source: 'compose-netlint',
    });
    expect(finding.codeDescription?.href).to.match(/\/rules\/no-host-network-ports\.md$/);
    expect(finding.relatedInformation).to.deep.equal([{ location: { uri: baseUri, range: { start: { line: 3, character: 18 }, end: { line: 3, character: 22 } } }, message: 'host networking is chosen here' }]);
    expect(await client.diagnostics(baseUri, () => true)).to.deep.equal([]);

    // typing the fix in the base file clears the finding in the override file
    await c.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: baseUri, version: 2 },
      contentChanges: [{ range: { start: { line: 3, character: 18 }, end: { line: 3, character: 22 } }, text: 'bridge' }],
    });
    await client.diagnostics(overrideUri, (d) => d.length === 0);

    // back to host networking, then the code actions on the override's finding
    await c.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: baseUri, version: 3 }, contentChanges: [{ text: BASE_HOST }] });
    const [again] = await client.diagnostics(overrideUri, (d) => d.length === 1);
    const actions = (await c.sendRequest(CodeActionRequest.type, { textDocument: { uri: overrideUri }, range: again.range, context: { diagnostics: [again] } })) as CodeAction[];
    expect(actions.map((a) => a.title)).to.deep.equal(['Fix: remove "ports" from service "web" (safe)', 'Disable no-host-network-ports for this line (then write the reason after "--")']);

    // the fix removes the key with its list, and nothing else
    const fixed = applyEdits(OVERRIDE, actions[0].edit!.changes![overrideUri]);
    expect(fixed).to.equal('services:\n  web:\n    environment:\n      A: b\n');
    await c.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: overrideUri, languageId: 'yaml', version: 1, text: fixed } });
    await client.diagnostics(overrideUri, (d) => d.length === 0);

    // the suppression comment: without a reason it suppresses nothing and says so; with one the finding goes
    await c.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: overrideUri, version: 2 }, contentChanges: [{ text: OVERRIDE }] });
    await client.diagnostics(overrideUri, (d) => d.length === 1);
    const disabled = applyEdits(OVERRIDE, actions[1].edit!.changes![overrideUri]);
    expect(disabled).to.equal('services:\n  web:\n    # compose-netlint-disable-next-line no-host-network-ports -- \n    ports:\n      - "8080:80"\n    environment:\n      A: b\n');
    await c.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: overrideUri, version: 3 }, contentChanges: [{ text: disabled }] });
    const unexplained = await client.diagnostics(overrideUri, (d) => d.some((x) => x.code === 'config-error'));
    expect(unexplained.map((d) => d.code)).to.deep.equal(['config-error', 'no-host-network-ports']);
    const explained = disabled.replace('-- \n', '-- the proxy sets this mapping up itself\n');
    await c.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: overrideUri, version: 4 }, contentChanges: [{ text: explained }] });
    await client.diagnostics(overrideUri, (d) => d.length === 0);

    expect(await client.close()).to.equal(0);
    // nothing was written: the files on disk are as they were
    expect(fs.readFileSync(path.join(dir, 'compose.yaml'), 'utf8')).to.equal(BASE_ON_DISK);
    expect(fs.readFileSync(path.join(dir, 'compose.override.yaml'), 'utf8')).to.equal(OVERRIDE);
  });

  it('lints again when an open .env changes the values the Compose file interpolates', async () => {
    const dir = tempProject({ 'compose.yaml': 'services:\n  web:\n    image: nginx\n    network_mode: ${NET}\n    ports:\n      - "8080:80"\n', '.env': 'NET=host\n' });
    const uri = pathToFileURL(path.join(dir, 'compose.yaml')).href;
    const envUri = pathToFileURL(path.join(dir, '.env')).href;
    client = new Client({ PATH: process.env.PATH });
    const c = client.connection;
    await c.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: pathToFileURL(dir).href, capabilities: {}, workspaceFolders: null });
    await c.sendNotification(InitializedNotification.type, {});
    await c.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'yaml', version: 1, text: fs.readFileSync(path.join(dir, 'compose.yaml'), 'utf8') } });
    expect((await client.diagnostics(uri, (d) => d.length > 0)).map((d) => d.code)).to.deep.equal(['no-host-network-ports']);
    await c.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: envUri, languageId: 'dotenv', version: 1, text: 'NET=host\n' } });
    await c.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: envUri, version: 2 }, contentChanges: [{ text: 'NET=bridge\n' }] });
    await client.diagnostics(uri, (d) => d.length === 0);
    expect(await client.close()).to.equal(0);
  });
});
