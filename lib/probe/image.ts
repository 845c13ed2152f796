import type { Engine } from './engine';
import { TOOL_CHECK, TOOLS, type Tool } from './scripts';
import { errorLine, withTimeout } from './util';

/** Raised when the probe image is missing and cannot be pulled, or cannot run the probes. */
export class ImageError extends Error {}

const PULL_SECONDS = 120;
const toolCache = new Map<string, Set<Tool>>();

/** Makes sure the image is there: pulls it only when it is missing, and says so. */
export async function ensureImage(engine: Engine, image: string, say: (text: string) => void): Promise<string> {
  try {
    const info = (await engine.docker.getImage(image).inspect()) as { Id: string };
    return info.Id;
  } catch {
    // missing: pull below
  }
  say(`probe image ${image} is missing; pulling it`);
  try {
    const stream = await withTimeout(engine.docker.pull(image), 30_000, 'the registry did not answer within 30s');
    await withTimeout(
      new Promise<void>((resolve, reject) => engine.docker.modem.followProgress(stream, (error: Error | null) => (error ? reject(error) : resolve()))),
      PULL_SECONDS * 1000,
      `the pull did not finish within ${PULL_SECONDS}s`,
    );
    const info = (await engine.docker.getImage(image).inspect()) as { Id: string };
    return info.Id;
  } catch (error) {
    throw new ImageError(`probe image ${image} is missing and cannot be pulled (${errorLine(error)}); build one with scripts/ci-docker.sh or pass --probe-image`);
  }
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
    await withTimeout(container.wait(), 20_000, 'the tool check did not finish within 20s');
    const logs = (await container.logs({ stdout: true, stderr: false, follow: false })) as unknown as Buffer;
    const text = demux(logs);
    const tools = new Set(text.split('\n').map((l) => l.trim()).filter((l): l is Tool => (TOOLS as readonly string[]).includes(l)));
    toolCache.set(imageId, tools);
    return tools;
  } catch (error) {
    throw new ImageError(`probe image ${image} cannot run the probes (${errorLine(error)}); it needs sh`);
  } finally {
    await container.remove({ force: true }).catch(() => undefined);
  }
}

/** Strips Docker's 8-byte stream headers from non-TTY logs. */
function demux(buffer: Buffer): string {
  const parts: Buffer[] = [];
  let i = 0;
  while (i + 8 <= buffer.length) {
    const size = buffer.readUInt32BE(i + 4);
    parts.push(buffer.subarray(i + 8, i + 8 + size));
    i += 8 + size;
  }
  return Buffer.concat(parts).toString('utf8');
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
