import * as path from 'node:path';
import type Docker from 'dockerode';
import { engineFromVersion, type EngineTarget } from '../model/engine-target';
import { readBounded } from '../source/read';
import { DEFAULT_LIMITS, EngineFault, guardedDocker, type EngineLimits, type Guard } from './guard';
import { errorLine, withTimeout } from './util';

/** The labels every object of a run carries. */
export const RUN_LABEL = 'com.compose-netlint.run';
export const PROJECT_LABEL = 'com.compose-netlint.project';
export const SERVICE_LABEL = 'com.compose-netlint.service';
export const REPLICA_LABEL = 'com.compose-netlint.replica';

export interface Engine {
  docker: Docker;
  /** the DOCKER_HOST form of the address tried, for messages */
  host: string;
  /** whether published ports land on this machine's loopback (a local socket or a loopback tcp address) */
  local: boolean;
  version: string;
  apiVersion: string;
  /** the engine as a lint target (`docker@20.10`, `podman@5.2`), read from /version and /info; undefined when its version cannot be read */
  target?: EngineTarget;
  swarmManager: boolean;
  /** deadlines and size bounds of every call; `guard.close()` drops the connections when the run is over */
  guard: Guard;
}

/**
 * The lint target of an engine from its /version answer (Podman's compatible API names a "Podman Engine" component)
 * and its /info answer (`SecurityOptions` holds "name=rootless" on a rootless engine).
 */
function targetOf(version: Partial<Docker.DockerVersion>, info: { SecurityOptions?: unknown }): EngineTarget | undefined {
  const components = Array.isArray(version.Components) ? version.Components.filter((c) => typeof c?.Name === 'string' && typeof c?.Version === 'string').map((c) => ({ name: c.Name, version: c.Version })) : [];
  const rootless = Array.isArray(info.SecurityOptions) && info.SecurityOptions.some((o) => typeof o === 'string' && /(^|,)name=rootless(,|$)/.test(o));
  return engineFromVersion({ version: version.Version ?? '', components, rootless });
}

/** The engine as probe output names it: its target and the version it reports (`docker@20.10 (20.10.24+dfsg1)`). */
export function engineName(engine: Pick<Engine, 'target' | 'version'>): string {
  return engine.target ? `${engine.target.name} (${engine.version})` : engine.version;
}

/** Raised when the engine cannot be reached: the CLI prints it on one line and exits 2. */
export class EngineError extends Error {}

/** Where DOCKER_HOST points, as dockerode options. */
export function engineAddress(env: Record<string, string | undefined>): { options: Docker.DockerOptions; host: string; local: boolean } {
  const raw = env.DOCKER_HOST?.trim() || 'unix:///var/run/docker.sock';
  if (raw.startsWith('unix://')) return { options: { socketPath: raw.slice('unix://'.length) }, host: raw, local: true };
  if (raw.startsWith('/')) return { options: { socketPath: raw }, host: `unix://${raw}`, local: true };
  const tcp = /^(?:tcp|http|https):\/\/\[?([^\]/]+?)\]?(?::(\d+))?\/?$/.exec(raw);
  if (tcp) {
    const tls = Boolean(env.DOCKER_TLS_VERIFY) || raw.startsWith('https://');
    const port = Number(tcp[2] ?? (tls ? 2376 : 2375));
    if (port < 1 || port > 65535) throw new EngineError(`DOCKER_HOST="${raw}" names port ${tcp[2]}, and a TCP port is 1 to 65535`);
    const options: Docker.DockerOptions = { host: tcp[1], port, protocol: tls ? 'https' : 'http' };
    if (tls) {
      const dir = env.DOCKER_CERT_PATH || path.join(env.HOME ?? '', '.docker');
      try {
        options.ca = readBounded(path.join(dir, 'ca.pem'), 'ca.pem', 'TLS file');
        options.cert = readBounded(path.join(dir, 'cert.pem'), 'cert.pem', 'TLS file');
        options.key = readBounded(path.join(dir, 'key.pem'), 'key.pem', 'TLS file');
      } catch (error) {
        throw new EngineError(`DOCKER_TLS_VERIFY is set but the certificates in ${dir} cannot be read (${errorLine(error)}); set DOCKER_CERT_PATH`);
      }
    }
    const local = ['127.0.0.1', 'localhost', '::1'].includes(tcp[1]);
    return { options, host: raw, local };
  }
  throw new EngineError(`DOCKER_HOST="${raw}" is not supported by the probe; use unix:///path/to/docker.sock or tcp://HOST:PORT`);
}

/** The one line the probe prints, and exits 2 with, when dockerode is not installed. */
export const DOCKERODE_MISSING =
  'the probe talks to Docker through the "dockerode" package, which is not installed (lint and graph do not need it, so it is an optional peer dependency). ' +
  'install it beside compose-netlint: npm install dockerode@5 (with a global compose-netlint: npm install -g dockerode@5; with npx: npx -p compose-netlint -p dockerode@5 -- compose-netlint probe)';

/**
 * The dockerode client class, loaded on the first connect and not before: only the probe needs it,
 * and the package is an optional peer dependency (its docker-modem brings ssh2 and the native build of
 * cpu-features, which linting must not cost). Throws EngineError(DOCKERODE_MISSING) when it is not installed.
 */
function loadDockerode(): typeof Docker {
  try {
    return require('dockerode') as typeof Docker;
  } catch (error) {
    // only dockerode itself missing; a broken installation (one of its own dependencies missing) is rethrown as it is
    if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && (error as Error).message.startsWith("Cannot find module 'dockerode'")) throw new EngineError(DOCKERODE_MISSING);
    throw error;
  }
}

/** Deadlines of the first three calls: an engine that does not answer these is not reachable. */
const PING_MS = 5000;
const HELLO_MS = 10_000;

/**
 * Connects and asks the engine who it is (GET /_ping within 5 s, then /version and /info within
 * 10 s each). Every later call through `Engine.docker` is bounded by `limits`. Throws EngineError
 * with what was tried and what to do; an engine that answers with too much or with something that
 * is not HTTP throws its EngineFault, which says so.
 */
export async function connect(env: Record<string, string | undefined>, limits: EngineLimits = DEFAULT_LIMITS): Promise<Engine> {
  const address = engineAddress(env);
  const Dockerode = loadDockerode();
  let client: ReturnType<typeof guardedDocker>;
  try {
    client = guardedDocker(Dockerode, address.options, address.host, limits);
  } catch (error) {
    // docker-modem reads DOCKER_HOST and DOCKER_CERT_PATH from the process environment itself
    throw new EngineError(`cannot set up a client for the Docker engine at ${address.host} (${errorLine(error)}); check DOCKER_HOST and DOCKER_CERT_PATH`);
  }
  const { docker, guard } = client;
  const fail = (error: unknown): never => {
    guard.close();
    if (error instanceof EngineFault && (error.kind === 'oversize' || error.kind === 'protocol')) throw error;
    const hint = address.host.startsWith('unix://') ? 'start the engine (scripts/ci-docker.sh, or `sudo systemctl start docker`) or point DOCKER_HOST at one' : 'check that the engine listens there, or unset DOCKER_HOST to use the local socket';
    const why = error instanceof EngineFault ? error.short : errorLine(error);
    throw new EngineError(`cannot reach the Docker engine at ${address.host} (${why}); ${hint}`);
  };
  let version: Partial<Docker.DockerVersion> | undefined;
  let info: { Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean }; SecurityOptions?: unknown } | undefined;
  try {
    await guard.deadline(Math.min(PING_MS, limits.callMs), () => docker.ping());
    version = (await guard.deadline(Math.min(HELLO_MS, limits.callMs), () => docker.version())) as typeof version;
    info = (await guard.deadline(Math.min(HELLO_MS, limits.callMs), () => docker.info())) as typeof info;
  } catch (error) {
    return fail(error);
  }
  if (typeof version?.Version !== 'string' || typeof version.ApiVersion !== 'string' || typeof info !== 'object' || info === null) {
    guard.close();
    throw new EngineError(`the engine at ${address.host} answered /version or /info with something that is not Docker's answer; it is not a Docker engine`);
  }
  return {
    docker,
    host: address.host,
    local: address.local,
    version: version.Version,
    apiVersion: version.ApiVersion,
    target: targetOf(version, info),
    swarmManager: info.Swarm?.LocalNodeState === 'active' && info.Swarm?.ControlAvailable === true,
    guard,
  };
}

export interface ExecResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Runs argv in a container (no shell unless argv starts one), bounded by `ms`. */
export async function execIn(docker: Docker, containerId: string, argv: string[], ms: number, signal?: AbortSignal): Promise<ExecResult> {
  const container = docker.getContainer(containerId);
  const exec = await container.exec({ Cmd: argv, AttachStdout: true, AttachStderr: true, Tty: false });
  const stream = await exec.start({ hijack: true, stdin: false });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const sink = (into: Buffer[]) => ({ write: (chunk: Buffer) => (into.push(Buffer.from(chunk)), true) }) as unknown as NodeJS.WritableStream;
  docker.modem.demuxStream(stream, sink(out), sink(err));
  let timedOut = false;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      timedOut = true;
      stream.destroy();
      resolve();
    }, ms);
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve();
    };
    // an interrupted run stops waiting at once; the exec dies with its container at teardown
    const onAbort = (): void => {
      timedOut = true;
      stream.destroy();
      done();
    };
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    stream.on('end', done);
    stream.on('close', done);
    stream.on('error', done);
  });
  let exitCode: number | null = null;
  if (!timedOut) {
    try {
      exitCode = (await withTimeout(exec.inspect(), 5000, 'exec inspect timed out')).ExitCode;
    } catch {
      exitCode = null;
    }
  }
  return { exitCode, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), timedOut };
}
