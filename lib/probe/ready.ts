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
    // the embedded DNS answers: ask for a name the graph says this container resolves (its namespace owner's)
    const owner = graph.namespace(c.service).owner;
    if (tools.has('nslookup') && probeableName(owner) && graph.resolves(c.service, owner).length > 0) specs.push(`dns:${owner}`);
    // Swarm spreads service names by gossip: in a stack, also wait for the other services the graph says resolve
    if (graph.model.mode === 'stack' && tools.has('nslookup')) {
      const others = [...graph.services.keys()].filter((s) => s !== owner && probeableName(s) && !twin.excluded.has(s) && graph.resolves(c.service, s).length > 0);
      for (const s of others.slice(0, 8)) specs.push(`dns:${s}`);
    }
    try {
      const result = await execIn(engine.docker, c.id!, shArgv(READY, 'cnl-ready', [String(ATTEMPTS), ...specs]), 60_000, signal);
      const line = result.stdout.trim().split('\n').pop() ?? '';
      if (line !== 'ready') {
        const missing = line
          .replace(/^not-ready\s*/, '')
          .split(/\s+/)
          .filter(Boolean);
        twin.notes.push(`${c.name} (${c.service}) was not ready: ${missing.length ? `no answer from ${missing.join(', ')}` : result.timedOut ? 'the check timed out' : line || result.stderr.trim() || 'no output'}`);
      }
    } catch (error) {
      twin.notes.push(`${c.name} (${c.service}): the readiness check failed (${errorLine(error)})`);
    }
  });
}
