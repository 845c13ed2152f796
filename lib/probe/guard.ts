import * as http from 'node:http';
import * as https from 'node:https';
import type { Duplex } from 'node:stream';
import type Docker from 'dockerode';

/**
 * Every call the probe makes to a Docker engine goes through one guard: a deadline per call, a
 * bound on the bytes one connection may deliver, and a way to drop every open connection so the
 * process can exit. dockerode and docker-modem have neither a total deadline (docker-modem's
 * `timeout` is an idle timer, so a trickle or an endless body never ends) nor a size bound (they
 * buffer a whole body, and an abort after the headers leaves the caller waiting forever): the
 * guard wraps `modem.dial`, which every dockerode method calls, and counts bytes on the sockets of
 * its own http(s) agent (one socket per request: no keep-alive).
 */

/** How long one engine call may take and how much one connection may deliver. */
export interface EngineLimits {
  /** milliseconds from sending a request until its whole answer is in (for a stream or an exec: until its headers are) */
  callMs: number;
  /** bytes one connection may receive, headers and body, streams and exec output included */
  maxBytes: number;
}

/** 30 s per call; 16 MiB per connection (the largest answer a run reads is a few hundred KiB of exec output). */
export const DEFAULT_LIMITS: EngineLimits = { callMs: 30_000, maxBytes: 16 * 1024 * 1024 };

/** What went wrong with the engine itself, as opposed to an answer it gave (an HTTP error is an answer). */
export type FaultKind = 'timeout' | 'oversize' | 'connection' | 'protocol' | 'closed';

/**
 * The engine misbehaved: no (complete) answer in time, too many bytes, a broken connection or
 * something that is not HTTP. `message` is a whole sentence naming the engine and the call;
 * `short` is the part after the engine's name, for messages that name it themselves.
 */
export class EngineFault extends Error {
  constructor(
    message: string,
    readonly kind: FaultKind,
    readonly short: string,
  ) {
    super(message);
  }
}

/** Socket errors that mean the engine went away or could not be reached (Node's error codes). */
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ENOENT', 'EACCES', 'ENOTSOCK', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'ENOTFOUND', 'EAI_AGAIN']);

/** Raised on a socket that delivered more than the bound; the dial wrapper names the call. */
class Oversize extends Error {
  reported = false;
}

export interface Guard {
  /** the first fault seen, if any; later calls still run (teardown needs them) until `close` */
  readonly fault?: EngineFault;
  /** called once, on the first fault */
  onFault?: (fault: EngineFault) => void;
  /** runs `start`, giving the engine calls it sends synchronously a deadline of `ms` instead of the default */
  deadline<T>(ms: number, start: () => Promise<T>): Promise<T>;
  /** destroys every open connection; every call after this fails at once with `why` */
  close(why?: string): void;
}

const MIB = 1024 * 1024;

/**
 * A client of `Dockerode` (the dockerode class, which engine.ts loads only when the probe runs) for
 * `options` whose every call is bounded by `limits`. `host` (the DOCKER_HOST form of the address)
 * names the engine in messages. Throws what docker-modem throws while reading its own environment
 * (DOCKER_HOST, DOCKER_CERT_PATH).
 */
export function guardedDocker(Dockerode: typeof Docker, options: Docker.DockerOptions, host: string, limits: EngineLimits = DEFAULT_LIMITS): { docker: Docker; guard: Guard } {
  const sockets = new Set<Duplex>();
  /** calls still waiting for their answer, by the function that ends them */
  const pending = new Set<(error: EngineFault) => void>();
  let fault: EngineFault | undefined;
  let closed: EngineFault | undefined;
  let override: number | undefined;
  const record = (f: EngineFault): void => {
    if (fault || f.kind === 'closed') return;
    fault = f;
    guard.onFault?.(f);
  };
  const make = (kind: FaultKind, short: string, what = 'a call'): EngineFault => {
    const sentence: Record<FaultKind, string> = {
      timeout: `the Docker engine at ${host} ${short}; it is stuck or is not a Docker engine (a slow one needs a larger --engine-timeout)`,
      oversize: `the Docker engine at ${host} ${short}; it is not a Docker engine, or a broken one`,
      connection: `the connection to the Docker engine at ${host} failed during ${what}: ${short}`,
      protocol: `the Docker engine at ${host} ${short}; it is not a Docker engine`,
      closed: `the connection to the Docker engine at ${host} was closed: ${short}`,
    };
    return new EngineFault(sentence[kind], kind, short);
  };
  const watch = (socket: Duplex): void => {
    sockets.add(socket);
    let bytes = 0;
    socket.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= limits.maxBytes) return;
      const error = new Oversize();
      socket.destroy(error);
      // a stream handed to its reader (an exec) has no call left to name: report it unnamed
      setImmediate(() => error.reported || record(make('oversize', `sent more than ${limits.maxBytes / MIB} MiB on one connection`)));
    });
    socket.once('close', () => sockets.delete(socket));
  };
  const base = options.protocol === 'https' ? https.Agent : http.Agent;
  class BoundedAgent extends base {
    override createConnection(connectOptions: http.ClientRequestArgs, callback?: (err: Error | null, stream: Duplex) => void): Duplex | null | undefined {
      const socket = super.createConnection(connectOptions as https.RequestOptions, callback);
      if (socket) watch(socket);
      return socket;
    }
  }
  const agent = new BoundedAgent({ keepAlive: false });
  const docker = new Dockerode({ ...options, agent } as Docker.DockerOptions);
  const modem = docker.modem as { dial: (o: DialOptions, cb?: (e: Error | null, r: unknown) => void) => void };
  const dial = modem.dial.bind(modem);

  modem.dial = (dialOptions, callback) => {
    const what = `${dialOptions.method ?? 'GET'} ${dialOptions.path.split('?')[0]}`;
    if (closed) return void process.nextTick(() => callback?.(closed!, null));
    const ms = override ?? limits.callMs;
    const controller = new AbortController();
    const outer = dialOptions.abortSignal;
    let settled = false;
    const settle = (error: Error | null, result: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      pending.delete(end);
      outer?.removeEventListener('abort', onOuter);
      const translated = error ? translate(error, what) : null;
      if (translated instanceof EngineFault) record(translated);
      callback?.(translated, result);
    };
    const onOuter = (): void => {
      controller.abort(outer!.reason);
      settle(outer!.reason instanceof Error ? outer!.reason : new Error(String(outer!.reason ?? 'aborted')), null);
    };
    const timer = setTimeout(() => end(make('timeout', `did not answer ${what} within ${ms / 1000}s`)), ms);
    const end = (f: EngineFault): void => {
      controller.abort(f);
      settle(f, null);
    };
    pending.add(end);
    if (outer?.aborted) return onOuter();
    outer?.addEventListener('abort', onOuter, { once: true });
    dial({ ...dialOptions, abortSignal: controller.signal }, settle);
  };

  const translate = (error: Error, what: string): Error => {
    if (error instanceof EngineFault) return error;
    if (error instanceof Oversize) {
      error.reported = true;
      return make('oversize', `sent more than ${limits.maxBytes / MIB} MiB in answer to ${what}`);
    }
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code.startsWith('HPE_')) return make('protocol', `answered ${what} with something that is not HTTP (${code})`);
    if (CONNECTION_CODES.has(code)) return make('connection', error.message, what);
    return error;
  };

  const guard: Guard = {
    get fault() {
      return fault;
    },
    deadline<T>(ms: number, start: () => Promise<T>): Promise<T> {
      override = ms;
      try {
        return start();
      } finally {
        override = undefined;
      }
    },
    close(why = 'the run is over') {
      closed ??= make('closed', why);
      for (const end of [...pending]) end(closed);
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      agent.destroy();
    },
  };
  return { docker, guard };
}

interface DialOptions {
  path: string;
  method?: string;
  abortSignal?: AbortSignal;
}
