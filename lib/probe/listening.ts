import { flatten, type Finding, type Subject } from '../engine/finding';
import type { NetworkGraph } from '../model/graph';
import type { PortRange, Protocol } from '../model/types';
import type { Span } from '../source/span';
import { sourceUrl } from '../util/package';
import { isEngineListener, type Listener } from './sockets';

/**
 * Findings only the real stack shows: what the application in each container listens on, read from its
 * namespace's socket tables (sockets.ts), against what the project declares (`ports[].target`, `expose`)
 * and what other services call (the model's reference index, lib/model/references.ts).
 */

/** The ids of the findings the socket tables give, each with its page under docs/probe/. */
export const SOCKET_FINDING_IDS = ['probe-no-listener', 'probe-loopback-listener', 'probe-other-port'] as const;
export type SocketFindingId = (typeof SOCKET_FINDING_IDS)[number];

/** Whether a finding is one of the socket tables' (its message is the observation, so the reports print it). */
export function isSocketFinding(finding: Finding): boolean {
  return (SOCKET_FINDING_IDS as readonly string[]).includes(finding.ruleId);
}

/** Whether a finding is a socket finding at error level: what the application's sockets show fails the run, as a disagreement does. */
export function isSocketError(finding: Finding): boolean {
  return isSocketFinding(finding) && finding.severity === 'error';
}

/** The page of a socket finding: `docs/probe/<id>.md` at this version's tag. */
export function socketDocsUrl(id: SocketFindingId): string {
  return sourceUrl(`docs/probe/${id}.md`);
}

/** The socket table of one namespace and the container it was read in. */
export interface NamespaceSockets {
  /** the container whose namespace it is (the real one, not the sidecar) */
  container: string;
  listeners: Listener[];
}

/** A socket finding and where it was read, for its verdict. */
export interface SocketFinding {
  finding: Finding;
  /** the container whose socket table shows it */
  container: string;
}

/** The ends of a range the findings check (as the probe connects to them): a range's first and last port. */
function ends(range: PortRange): number[] {
  return range.end > range.start ? [range.start, range.end] : [range.start];
}

function listText(list: readonly Listener[]): string {
  return [...new Set(list.map((l) => `${l.address.includes(':') ? `[${l.address}]` : l.address}:${l.port}/${l.protocol}`))].sort().join(', ');
}

/**
 * The socket findings of a project: for every service whose namespace owner's table was read (`tables`,
 * by namespace owner), each declared port and each port another service refers to that nothing listens
 * on, that only a loopback address listens on where it is published or called, or that is called while
 * the service listens on a port nobody declared. Positions: the `ports`/`expose` entry, or the reference.
 * Sorted by file, line, column; one finding per place.
 */
export function socketFindings(graph: NetworkGraph, tables: ReadonlyMap<string, NamespaceSockets>): SocketFinding[] {
  const out: SocketFinding[] = [];
  const add = (id: SocketFindingId, severity: Finding['severity'], span: Span, service: string, container: string, message: string, subject?: Subject, related?: Finding['related']): void => {
    out.push({
      container,
      finding: { ruleId: id, severity, message, ...flatten(span), service, docsUrl: socketDocsUrl(id), ...(subject ? { subject } : {}), ...(related?.length ? { related } : {}) },
    });
  };
  const tableOf = (service: string): NamespaceSockets | undefined => tables.get(graph.namespace(service).owner);
  const app = (t: NamespaceSockets): Listener[] => t.listeners.filter((l) => !isEngineListener(l));
  const on = (t: NamespaceSockets, port: number, protocol?: Protocol): Listener[] => app(t).filter((l) => l.port === port && (!protocol || l.protocol === protocol));
  const declared = (service: string): Set<number> => {
    const s = graph.services.get(service)!;
    const ports = new Set<number>();
    for (const p of s.ports) if (!p.invalid && !p.unknown) for (let n = p.target.value.start; n <= p.target.value.end; n++) ports.add(n);
    for (const e of s.expose) if (!e.invalid && !e.unknown) for (let n = e.ports.start; n <= e.ports.end; n++) ports.add(n);
    return ports;
  };

  for (const service of graph.services.values()) {
    const table = tableOf(service.name);
    if (!table) continue;
    const where = `in "${service.name}" (container "${table.container}")`;
    service.ports.forEach((p, index) => {
      if (p.invalid || p.unknown || (p.protocol !== 'tcp' && p.protocol !== 'udp')) return;
      for (const port of ends(p.target.value)) {
        const found = on(table, port, p.protocol);
        const subject: Subject = { kind: 'binding', service: service.name, index };
        if (!found.length) {
          add(
            'probe-no-listener',
            'error',
            p.span,
            service.name,
            table.container,
            `nothing listens on port ${port}/${p.protocol} ${where}, which this ports entry publishes: the host and the other services are refused. make the application listen on ${port} or change the entry`,
            subject,
          );
        } else if (found.every((l) => l.scope === 'loopback')) {
          add(
            'probe-loopback-listener',
            'error',
            p.span,
            service.name,
            table.container,
            `"${service.name}" listens on port ${port}/${p.protocol} only on loopback (${listText(found)}) ${where}, so the published port is refused: the engine forwards to the container's own address. make the application bind 0.0.0.0 (or ::)`,
            subject,
          );
        }
      }
    });
    for (const e of service.expose) {
      if (e.invalid || e.unknown || (e.protocol !== 'tcp' && e.protocol !== 'udp')) continue;
      for (const port of ends(e.ports)) {
        if (on(table, port, e.protocol).length) continue;
        add('probe-no-listener', 'warning', e.span, service.name, table.container, `nothing listens on port ${port}/${e.protocol} ${where}, which "expose" declares. make the application listen on ${port} or remove it from "expose"`, {
          kind: 'service',
          service: service.name,
        });
      }
    }
  }

  for (const source of graph.services.keys()) {
    graph.referencesFrom(source).forEach((ref, index) => {
      if (ref.port === undefined) return;
      const targets = [...new Set(graph.resolves(source, ref.name).map((r) => r.service))].filter((t) => t !== source);
      for (const target of targets) {
        const table = tableOf(target);
        if (!table) continue;
        const subject: Subject = { kind: 'reference', service: source, index };
        const called = `"${source}" calls "${ref.name}:${ref.port}"`;
        const where = `in "${target}" (container "${table.container}")`;
        const found = on(table, ref.port!);
        const decl = graph.services.get(target)!.ports.find((p) => !p.invalid && !p.unknown && p.target.value.start <= ref.port! && ref.port! <= p.target.value.end);
        const related = decl ? [{ message: `the ports entry of "${target}"`, ...flatten(decl.span) }] : [];
        if (found.some((l) => l.scope !== 'loopback')) continue;
        if (found.length) {
          add(
            'probe-loopback-listener',
            'error',
            ref.span,
            source,
            table.container,
            `${called}, but "${target}" listens on port ${ref.port} only on loopback (${listText(found)}) ${where}: connections from other containers are refused. make the application bind 0.0.0.0 (or ::)`,
            subject,
            related,
          );
          continue;
        }
        const known = declared(target);
        const others = app(table).filter((l) => l.scope !== 'loopback' && !known.has(l.port));
        if (others.length) {
          const ports = [...new Set(others.map((l) => `${l.port}/${l.protocol}`))].sort();
          add(
            'probe-other-port',
            'error',
            ref.span,
            source,
            table.container,
            `${called}, but nothing listens on port ${ref.port} ${where}; it listens on ${ports.join(', ')}, which nobody declares. point the reference at ${ports[0].split('/')[0]} or make the application listen on ${ref.port}`,
            subject,
            related,
          );
        } else {
          add(
            'probe-no-listener',
            'error',
            ref.span,
            source,
            table.container,
            `${called}, but nothing listens on port ${ref.port} ${where}: the connection is refused. make the application listen on ${ref.port} or fix the reference`,
            subject,
            related,
          );
        }
      }
    });
  }
  return out.sort((a, b) => a.finding.file.localeCompare(b.finding.file) || a.finding.line - b.finding.line || a.finding.column - b.finding.column || a.finding.ruleId.localeCompare(b.finding.ruleId));
}
