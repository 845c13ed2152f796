import { summarise } from '../report/types';
import { subjectId, type Finding, type Subject } from '../engine/finding';
import { spanExtents } from '../model/blocks';
import type { NetworkGraph } from '../model/graph';
import type { PortBinding, Service } from '../model/types';
import { formatPortRange } from '../syntax/compose';
import type { Span } from '../source/span';
import type { GraphDocument, GraphEdge, GraphFinding, GraphNode, GraphPort, NetworkNode, ServiceNode } from './types';

export interface GraphInput {
  /** absent when the project could not be parsed: the document then has no nodes and every finding is unplaced */
  graph?: NetworkGraph;
  project: { name: string; mode: 'compose' | 'stack'; files: string[] };
  /** the findings to draw; suppressed ones are left out */
  findings: readonly Finding[];
  toolVersion: string;
}

export const serviceId = (name: string): ServiceNode['id'] => `service:${name}`;
export const networkId = (name: string): NetworkNode['id'] => `network:${name}`;

/** Builds the graph document: nodes, edges, and each finding placed on the elements it concerns. */
export function graphDocument(input: GraphInput): GraphDocument {
  const findings = input.findings.filter((f) => !f.suppressed);
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const subjects = new Map<string, string[]>();
  const regions = input.graph ? build(input.graph, nodes, edges, subjects) : [];
  const placed = placeFindings(input.graph, nodes, edges, regions, subjects, findings);
  return {
    version: 1,
    tool: { name: 'compose-netlint', version: input.toolVersion },
    project: { name: input.project.name, mode: input.project.mode, files: [...input.project.files] },
    nodes,
    edges,
    findings: placed,
    summary: summarise(findings),
  };
}

/** The graph document as JSON, two-space indented, with a final newline. */
export function json(doc: GraphDocument): string {
  return JSON.stringify(doc, null, 2) + '\n';
}

/**
 * Fills in the nodes and edges, and `subjects` (a finding subject's id, see subjectId -> the edges that draw
 * it: a binding's published edge, a reference's edges); returns the spans inside an edge's entry that belong
 * to it (aliases, static addresses).
 */
function build(graph: NetworkGraph, nodes: GraphNode[], edges: GraphEdge[], subjects: Map<string, string[]>): Region[] {
  const drawn = (subject: Subject, id: string): void => {
    const key = subjectId(subject);
    subjects.set(key, [...(subjects.get(key) ?? []), id]);
  };
  const stack = graph.model.mode === 'stack';
  const regions: Region[] = [];
  const hostBindings = new Map([...graph.services.keys()].map((name) => [name, graph.hostBindings(name)]));
  let host = false;
  let bridge = false;
  const services: ServiceNode[] = [];
  for (const s of graph.services.values()) {
    const ns = graph.namespace(s.name);
    const onHost = new Set(hostBindings.get(s.name));
    services.push({
      id: serviceId(s.name),
      kind: 'service',
      name: s.name,
      replicas: s.replicas.global ? null : (s.replicas.count ?? null),
      global: s.replicas.global,
      networkMode: s.networkMode ? modeText(s) : null,
      namespace: ns.joins !== undefined || ns.broken ? 'joined' : (ns.kind ?? 'own'),
      containerName: s.containerName && !s.containerName.unknown ? s.containerName.value : null,
      ports: s.ports.map((p) => port(p, onHost.has(p))),
      span: s.span,
      findings: [],
    });
  }
  const networks: NetworkNode[] = [...graph.networks.values()].map((n) => ({
    id: networkId(n.name),
    kind: 'network',
    name: n.name,
    dockerName: n.dockerName,
    declared: n.declared,
    driver: n.external?.value === true && !n.driverSpan ? null : n.driver,
    external: n.external?.value === true,
    internal: n.internal?.value === true,
    attachable: n.attachable?.value === true,
    ipv6: graph.ipv6Enabled(n.name) ?? null,
    ipam: n.ipam.map((c) => ({ subnet: c.subnet?.value.text ?? null, gateway: c.gateway?.value.text ?? null, ipRange: c.ipRange?.value.text ?? null })),
    span: n.span ?? null,
    findings: [],
  }));

  const add = (edge: DistributiveOmit<GraphEdge, 'id' | 'findings'>): string => {
    const id = `edge:${edges.length}`;
    edges.push({ id, ...edge, findings: [] } as GraphEdge);
    return id;
  };
  for (const s of graph.services.values()) {
    // an attachment to a network the project does not declare has no node to end on; its finding goes on the service
    for (const a of graph.ownAttachments(s.name).filter((x) => graph.networks.has(x.network))) {
      const id = add({
        kind: 'attachment',
        from: serviceId(s.name),
        to: networkId(a.network),
        implicit: a.spec.implicit,
        aliases: a.spec.aliases.filter((x) => !x.unknown).map((x) => x.value),
        ipv4Address: a.ipv4 && !a.ipv4.unknown ? a.ipv4.value.text : null,
        ipv6Address: a.ipv6 && !a.ipv6.unknown ? a.ipv6.value.text : null,
        span: a.spec.implicit ? null : a.spec.span,
      });
      for (const x of [...a.spec.aliases, a.spec.ipv4Address, a.spec.ipv6Address, ...a.spec.linkLocalIps]) if (x) regions.push({ span: x.span, id });
    }
    const mode = s.networkMode;
    if (!mode || stack) continue;
    if (mode.value.kind === 'bridge') {
      bridge = true;
      add({ kind: 'attachment', from: serviceId(s.name), to: 'bridge', implicit: false, aliases: [], ipv4Address: null, ipv6Address: null, span: mode.span });
    } else if (mode.value.kind === 'host') {
      host = true;
      add({ kind: 'namespace', from: serviceId(s.name), to: 'host', networkMode: modeText(s), span: mode.span });
    } else {
      const joined = graph.joinedService(s.name);
      if (joined !== undefined && graph.services.has(joined)) add({ kind: 'namespace', from: serviceId(s.name), to: serviceId(joined), networkMode: modeText(s), span: mode.span });
    }
  }
  for (const s of graph.services.values()) {
    for (const binding of hostBindings.get(s.name)!) {
      host = true;
      const id = add({ kind: 'published', from: 'host', to: serviceId(s.name), port: port(binding, true), span: binding.span });
      drawn({ kind: 'binding', service: s.name, index: s.ports.indexOf(binding) }, id);
    }
  }
  for (const ref of graph.references) {
    const subject: Subject = { kind: 'reference', service: ref.source, index: graph.referencesFrom(ref.source).indexOf(ref) };
    const resolved = [...new Set(graph.resolves(ref.source, ref.name).map((r) => r.service))];
    const targets = resolved.length ? resolved : graph.ownersOf(ref.name);
    for (const target of targets) {
      const id = add({
        kind: 'reference',
        from: serviceId(ref.source),
        to: serviceId(target),
        name: ref.name,
        port: ref.port ?? null,
        where: ref.kind,
        variable: ref.variable ?? null,
        resolves: resolved.includes(target),
        span: ref.span,
      });
      drawn(subject, id);
    }
  }
  if (host) nodes.push({ id: 'host', kind: 'host', findings: [] });
  nodes.push(...services, ...networks);
  if (bridge) nodes.push({ id: 'bridge', kind: 'default-bridge', findings: [] });
  return regions;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function modeText(s: Service): string {
  const m = s.networkMode!.value;
  return m.kind === 'service' || m.kind === 'container' ? `${m.kind}:${m.target}` : m.kind === 'network' ? m.target! : m.kind;
}

function port(p: PortBinding, onHost: boolean): GraphPort {
  const readable = !p.invalid && !p.unknown;
  return {
    text: p.text ?? null,
    hostIp: readable && p.hostIp ? p.hostIp.value.text : null,
    published: readable && p.published ? formatPortRange(p.published.value) : null,
    target: readable ? formatPortRange(p.target.value) : null,
    protocol: p.protocol,
    mode: p.mode,
    onHost,
    unknown: p.unknown,
    invalid: p.invalid ?? null,
    span: p.span,
  };
}

// ---- placing findings ----

interface Region {
  span: Span;
  id: string;
}

function contains(outer: Span, inner: Span): boolean {
  if (outer.file !== inner.file) return false;
  const startsAfter = inner.line > outer.line || (inner.line === outer.line && inner.column >= outer.column);
  const endsBefore = inner.endLine < outer.endLine || (inner.endLine === outer.endLine && inner.endColumn <= outer.endColumn);
  return startsAfter && endsBefore;
}

function size(span: Span): number {
  return (span.endLine - span.line) * 100_000 + (span.endColumn - span.column);
}

/** The smallest region containing a location; the first registered wins a tie. */
function smallest(regions: readonly Region[], at: Span): string | undefined {
  let best: Region | undefined;
  for (const r of regions) if (contains(r.span, at) && (!best || size(r.span) < size(best.span))) best = r;
  return best?.id;
}

/**
 * Places each finding: on the edges that draw its subject (a binding, a reference), else on the element whose own span (an edge's entry, a node's key) is the smallest containing
 * its location; else on the service and network the rule named; else on the service or network block it lies in.
 */
function placeFindings(graph: NetworkGraph | undefined, nodes: GraphNode[], edges: GraphEdge[], edgeRegions: Region[], subjects: ReadonlyMap<string, string[]>, findings: readonly Finding[]): GraphFinding[] {
  const byId = new Map<string, { findings: number[] }>([...nodes.map((n) => [n.id, n] as const), ...edges.map((e) => [e.id, e] as const)]);
  const exact: Region[] = [...edges.flatMap((e) => (e.span ? [{ span: e.span, id: e.id }] : [])), ...edgeRegions];
  const blocks: Region[] = [];
  for (const s of graph?.services.values() ?? []) {
    exact.push({ span: s.span, id: serviceId(s.name) });
    for (const span of s.block) blocks.push({ span, id: serviceId(s.name) });
  }
  for (const n of graph?.networks.values() ?? []) {
    const own = [
      ...(n.span ? [n.span] : []),
      ...n.keys.values(),
      ...[n.driverSpan, n.external?.span, n.internal?.span, n.attachable?.span, n.enableIpv4?.span, n.enableIpv6?.span, n.ipamDriver?.span].filter((s): s is Span => !!s),
      ...[...n.driverOpts.values()].map((o) => o.span),
      ...n.ipam.flatMap((c) => [c.span, c.subnet?.span, c.ipRange?.span, c.gateway?.span, ...c.auxAddresses.map((a) => a.address.span)].filter((s): s is Span => !!s)),
    ];
    for (const span of own) exact.push({ span, id: networkId(n.name) });
    for (const span of spanExtents(own)) blocks.push({ span, id: networkId(n.name) });
  }

  return findings.map((f, index) => {
    let elements: string[];
    const drawn = f.subject ? subjects.get(subjectId(f.subject)) : undefined;
    const at = drawn ? undefined : smallest(exact, f);
    if (drawn) elements = [...drawn];
    else if (at) elements = [at];
    else {
      elements = [f.service !== undefined ? serviceId(f.service) : '', f.network !== undefined ? networkId(f.network) : ''].filter((id) => byId.has(id));
      if (!elements.length) {
        const block = smallest(blocks, f);
        if (block) elements = [block];
      }
    }
    const relatedElements = [...new Set((f.related ?? []).map((r) => smallest(exact, r) ?? smallest(blocks, r)))].filter((id): id is string => !!id && !elements.includes(id));
    for (const id of elements) byId.get(id)!.findings.push(index);
    const { suppressed: _suppressed, ...rest } = f;
    return { ...rest, elements, relatedElements };
  });
}
