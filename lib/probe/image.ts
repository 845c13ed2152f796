import type { Engine } from './engine';
import { EngineError } from './engine';
import { EngineFault } from './guard';
import { demuxLogs } from './logs';
import { TOOL_CHECK, TOOLS, type Tool } from './scripts';
import { AbortedError, errorLine, sleep } from './util';

/** Raised when the probe image is missing and cannot be pulled, or cannot run the probes. */
export class ImageError extends Error {}

const PULL_SECONDS = 120;
const toolCache = new Map<string, Set<Tool>>();
/** Whether an error from GET /images/{name}/json is Docker's "No such image" (404 with that message), not some other 404. */
function noSuchImage(error: unknown): boolean {
  const e = error as { statusCode?: number };
  return e?.statusCode === 404 && /no such image/i.test(errorLine(error));
}

/**
 * Makes sure the image is there: pulls it only when the engine says it has no such image, and
 * says so. Returns the image id. Throws ImageError when the pull fails, EngineError when the
 * engine answers the inspection with anything but the image or "No such image".
 */
export async function ensureImage(engine: Engine, image: string, say: (text: string) => void, signal?: AbortSignal): Promise<string> {
  try {
    return imageId(await engine.docker.getImage(image).inspect(), engine, image);
  } catch (error) {
    if (!noSuchImage(error))
      throw error instanceof EngineFault || error instanceof EngineError ? error : new EngineError(`the Docker engine at ${engine.host} could not inspect probe image ${image} (${errorLine(error)}); check --probe-image and DOCKER_HOST`);
  }
  say(`probe image ${image} is missing; pulling it`);
  try {
    const stream = (await engine.docker.pull(image)) as NodeJS.ReadableStream & { destroy(error?: Error): void };
    await pulled(stream, PULL_SECONDS * 1000, signal);
    return imageId(await engine.docker.getImage(image).inspect(), engine, image);
  } catch (error) {
    if (error instanceof EngineFault || error instanceof AbortedError) throw error;
    throw new ImageError(`probe image ${image} is missing and cannot be pulled (${errorLine(error)}); build one with scripts/ci-docker.sh or pass --probe-image`);
  }
}

function imageId(info: unknown, engine: Engine, image: string): string {
  const id = (info as { Id?: unknown } | null)?.Id;
  if (typeof id !== 'string') throw new EngineError(`the Docker engine at ${engine.host} answered the inspection of image ${image} without an image id; it is not a Docker engine`);
  return id;
}

/**
 * Reads a pull's progress stream (one JSON object a line) to its end, within `ms`. Rejects with the
 * engine's `error` line, or on a line that is not JSON; destroys the stream when it gives up.
 */
function pulled(stream: NodeJS.ReadableStream & { destroy(error?: Error): void }, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let rest = '';
    let done = false;
    const finish = (error?: Error): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (error) stream.destroy();
      if (error) reject(error);
      else resolve();
    };
    const onAbort = (): void => finish(new AbortedError(String(signal?.reason ?? 'abort')));
    const timer = setTimeout(() => finish(new Error(`the pull did not finish within ${ms / 1000}s`)), ms);
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    stream.on('data', (chunk: Buffer) => {
      const lines = (rest + chunk.toString('utf8')).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.trim()) continue;
        let event: { error?: unknown };
        try {
          event = JSON.parse(line) as { error?: unknown };
        } catch {
          return finish(new Error(`the engine sent a progress line that is not JSON: "${line.trim().slice(0, 60)}"`));
        }
        if (event && typeof event.error === 'string') return finish(new Error(event.error));
      }
    });
    stream.on('error', (error: Error) => finish(error));
    stream.on('end', () => finish());
    stream.on('close', () => finish());
  });
}

/** Which probe tools the image has, from a short-lived container without a network that carries the run's `labels`. */
export async function imageTools(engine: Engine, image: string, imageId: string, labels: Record<string, string>): Promise<Set<Tool>> {
  const cached = toolCache.get(imageId);
  if (cached) return cached;
  const container = await engine.docker.createContainer({
    Image: image,
    Entrypoint: ['sh', '-c', TOOL_CHECK, 'cnl-tools'],
    Cmd: [...TOOLS],
    Labels: labels,
    HostConfig: { NetworkMode: 'none', LogConfig: { Type: 'json-file', Config: {} } },
  });
  try {
    await container.start();
    await exited(container, TOOL_CHECK_MS);
    const logs = (await container.logs({ stdout: true, stderr: false, follow: false })) as unknown as Buffer;
    const text = demuxLogs(logs);
    const tools = new Set(
      text
        .split('\n')
        .map((l) => l.trim())
        .filter((l): l is Tool => (TOOLS as readonly string[]).includes(l)),
    );
    toolCache.set(imageId, tools);
    return tools;
  } catch (error) {
    throw new ImageError(`probe image ${image} cannot run the probes (${errorLine(error)}); it needs sh`);
  } finally {
    await container.remove({ force: true }).catch(() => undefined);
  }
}

const TOOL_CHECK_MS = 20_000;

/** Waits, polling, until a container has exited: POST /wait would hold a call open for as long as the container runs. */
async function exited(container: { inspect(): Promise<{ State?: { Running?: boolean } }> }, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while ((await container.inspect()).State?.Running !== false) {
    if (Date.now() > deadline) throw new Error(`the tool check did not finish within ${ms / 1000}s`);
    await sleep(100);
  }
}

/** What the harness cannot do with these tools, as notes for the report. */
export function missingToolNotes(tools: ReadonlySet<Tool>, image: string): string[] {
  const notes: string[] = [];
  if (!tools.has('socat')) notes.push(`probe image ${image} has no socat: UDP is not probed${tools.has('nc') ? ' and TCP uses busybox nc' : ''}`);
  if (!tools.has('socat') && !tools.has('nc')) notes.push(`probe image ${image} has neither socat nor nc: no connection is probed`);
  if (!tools.has('nslookup')) notes.push(`probe image ${image} has no nslookup: names are not probed`);
  if (!tools.has('awk')) notes.push(`probe image ${image} has no awk: /etc/hosts entries (links, extra_hosts) are not consulted`);
  return notes;
}
