/**
 * Faulty Docker engines for the probe's tests: small HTTP servers on unix sockets in a fresh
 * temporary directory (never a network address), and a way to run the real CLI against one as a
 * user would, in its own process, measuring how long it takes to exit.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';

export const REPO = path.join(__dirname, '..', '..');
const PROJECTS = path.join(REPO, 'test', 'e2e', 'projects');

/** What the fake does with one request: answer it, or return without answering (the request hangs). */
export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export interface FakeEngine {
  /** the DOCKER_HOST that reaches it */
  host: string;
  /** requests seen, as "METHOD /path" without the API version prefix and the query */
  seen: string[];
  close(): Promise<void>;
}

/** Starts an HTTP server on a unix socket in a new temporary directory. */
export async function fakeEngine(handler: Handler): Promise<FakeEngine> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnl-fake-engine-'));
  const socket = path.join(dir, 'docker.sock');
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${(req.url ?? '').replace(/^\/v[\d.]+/, '').split('?')[0]}`);
    res.on('error', () => undefined);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  return {
    host: `unix://${socket}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          fs.rmSync(dir, { recursive: true, force: true });
          resolve();
        });
      }),
  };
}

/** Answers like Docker 20.10 does to /_ping, /version and /info; returns false for any other path. */
export function hello(req: http.IncomingMessage, res: http.ServerResponse): boolean {
  const url = (req.url ?? '').replace(/^\/v[\d.]+/, '');
  if (url.startsWith('/_ping')) return (res.end('OK'), true);
  if (url.startsWith('/version')) return (json(res, 200, { Version: '20.10.24', ApiVersion: '1.41' }), true);
  if (url.startsWith('/info')) return (json(res, 200, { Swarm: { LocalNodeState: 'inactive' } }), true);
  return false;
}

export function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Sends 64 KiB chunks for as long as the client reads. */
export function endless(res: http.ServerResponse): void {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  const chunk = Buffer.alloc(64 * 1024, 'a');
  const pump = (): void => {
    while (!res.destroyed && res.write(chunk));
    if (!res.destroyed) res.once('drain', pump);
  };
  pump();
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** seconds from the start until the process exited */
  seconds: number;
}

/**
 * Runs `compose-netlint probe ARGS` (lib/cli/bin.ts through tsx) on a project of test/e2e/projects
 * with DOCKER_HOST set, and kills it after `limitMs` (the result then has code null).
 */
export function probeCli(args: string[], dockerHost: string, limitMs: number): Promise<CliRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_HOST: dockerHost };
    delete env.DOCKER_TLS_VERIFY;
    delete env.DOCKER_CERT_PATH;
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'lib', 'cli', 'bin.ts'), 'probe', ...args], { cwd: PROJECTS, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const limit = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(limit);
      resolve({ code, stdout, stderr, seconds: (Date.now() - started) / 1000 });
    });
  });
}
