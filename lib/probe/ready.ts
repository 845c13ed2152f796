import type { NetworkGraph } from '../model/graph';
import { execIn, type Engine } from './engine';
import { probeableName } from './plan';
import { READY, shArgv, type Tool } from './scripts';
import type { Twin, TwinContainer } from './twin';
import { checkAborted, errorLine, mapLimit } from './util';

const ATTEMPTS = 40;

/**
 * Waits, bounded, until every running container's listeners answer on its loopback and, on
 * user-defined networks, the embedded DNS answers the container's own service name.
 * Containers that never get ready are reported in notes; their cells then show what happens.
 */
export async function waitReady(engine: Engine, twin: Twin, graph: NetworkGraph, tools: ReadonlySet<Tool>, concurrency: number, signal?: AbortSignal): Promise<void> {
  const containers = twin.containers.filter((c) => c.running && c.id);
  await mapLimit(containers, Math.max(concurrency, 4), async (c: TwinContainer) => {
    checkAborted(signal);
    const specs = [`tcp:${c.controlPort}`];
    for (const l of c.listen) if (l.protocol === 'tcp' || tools.has('socat')) specs.push(`${l.protocol}:${l.port}`);
    const ns = graph.namespace(c.service);
    const userNetwork = ns.kind === undefined && graph.attachments(c.service).length > 0;
    if (userNetwork && tools.has('nslookup') && probeableName(c.service)) specs.push(`dns:${c.service}`);
    try {
      const result = await execIn(engine.docker, c.id!, shArgv(READY, 'cnl-ready', [String(ATTEMPTS), ...specs]), 60_000, signal);
      const line = result.stdout.trim().split('\n').pop() ?? '';
      if (line !== 'ready') {
        const missing = line.replace(/^not-ready\s*/, '').split(/\s+/).filter(Boolean);
        twin.notes.push(`${c.name} (${c.service}) was not ready: ${missing.length ? `no answer from ${missing.join(', ')}` : result.timedOut ? 'the check timed out' : line || result.stderr.trim() || 'no output'}`);
      }
    } catch (error) {
      twin.notes.push(`${c.name} (${c.service}): the readiness check failed (${errorLine(error)})`);
    }
  });
}
