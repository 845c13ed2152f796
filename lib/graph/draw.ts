import { SEVERITY_RANK, type Severity } from '../engine/finding';
import type { GraphDocument, GraphEdge, GraphFinding, GraphNode, GraphPort } from './types';

/**
 * What Mermaid and DOT both draw: one shape per node, and one line per edge, where the references
 * between two services and the ports the host publishes for one service are merged into one line.
 * Each element that carries findings gets the colour of the worst one and a note per rule id.
 */
export interface Drawing {
  title: string;
  nodes: DrawnNode[];
  edges: DrawnEdge[];
}

export interface DrawnNode {
  id: string;
  shape: 'service' | 'network' | 'host' | 'bridge' | 'notes';
  lines: string[];
  severity?: Severity;
  /** the findings' messages, for renderers that show a tooltip */
  messages: string[];
}

export interface DrawnEdge {
  from: string;
  to: string;
  style: GraphEdge['kind'];
  lines: string[];
  severity?: Severity;
  messages: string[];
}

export const COLORS: Record<Severity, { stroke: string; fill: string }> = {
  error: { stroke: '#cf222e', fill: '#ffebe9' },
  warning: { stroke: '#9a6700', fill: '#fff8c5' },
  info: { stroke: '#0969da', fill: '#ddf4ff' },
};

export function draw(doc: GraphDocument): Drawing {
  const notes = (indexes: number[]): Pick<DrawnNode, 'severity' | 'messages'> & { lines: string[] } => {
    const found = indexes.map((i) => doc.findings[i]);
    const lines = [...new Set(found.map((f) => `${f.severity}: ${f.ruleId}`))];
    return { lines, messages: found.map((f) => `${f.ruleId}: ${f.message}`), ...(found.length ? { severity: worst(found) } : {}) };
  };

  const nodes: DrawnNode[] = doc.nodes.map((n) => {
    const n2 = notes(n.findings);
    return { id: n.id, shape: shapeOf(n), lines: [...nodeLines(n, doc.project.mode), ...n2.lines], messages: n2.messages, ...(n2.severity ? { severity: n2.severity } : {}) };
  });

  const edges: DrawnEdge[] = [];
  const merged = new Map<string, { edge: DrawnEdge; findings: number[] }>();
  for (const e of doc.edges) {
    const key = e.kind === 'reference' || e.kind === 'published' ? `${e.kind}\u0000${e.from}\u0000${e.to}` : e.id;
    let entry = merged.get(key);
    if (!entry) {
      entry = { edge: { from: e.from, to: e.to, style: e.kind, lines: [], messages: [] }, findings: [] };
      merged.set(key, entry);
      edges.push(entry.edge);
    }
    entry.edge.lines.push(...edgeLines(e));
    entry.findings.push(...e.findings);
  }
  for (const { edge, findings } of merged.values()) {
    const n = notes(findings);
    edge.lines = [...new Set(edge.lines), ...n.lines];
    edge.messages = n.messages;
    if (n.severity) edge.severity = n.severity;
  }

  const unplaced = doc.findings.filter((f) => f.elements.length === 0);
  if (unplaced.length) {
    nodes.push({
      id: 'notes',
      shape: 'notes',
      lines: ['findings not on the graph', ...unplaced.map((f) => `${f.severity}: ${f.ruleId} (${f.file}:${f.line}:${f.column})`)],
      severity: worst(unplaced),
      messages: unplaced.map((f) => `${f.ruleId}: ${f.message}`),
    });
  }
  return { title: `${doc.project.name} (${doc.project.mode})`, nodes, edges };
}

function worst(findings: GraphFinding[]): Severity {
  return findings.reduce<Severity>((w, f) => (SEVERITY_RANK[f.severity] > SEVERITY_RANK[w] ? f.severity : w), 'info');
}

function shapeOf(n: GraphNode): DrawnNode['shape'] {
  return n.kind === 'default-bridge' ? 'bridge' : n.kind;
}

function nodeLines(n: GraphNode, mode: string): string[] {
  switch (n.kind) {
    case 'host':
      return ['host'];
    case 'default-bridge':
      return ['bridge', 'default bridge, no DNS'];
    case 'network': {
      const flags = [n.driver ?? '', n.external ? `external "${n.dockerName}"` : '', n.internal ? 'internal' : '', n.attachable ? 'attachable' : '', n.ipv6 ? 'ipv6' : ''];
      const lines = [n.declared ? n.name : `${n.name} (implicit)`, flags.filter(Boolean).join(', ')];
      for (const c of n.ipam) if (c.subnet) lines.push(c.subnet);
      return lines;
    }
    case 'service': {
      const replicas = n.global ? ' (global)' : n.replicas === null ? ' ×?' : n.replicas !== 1 ? ` ×${n.replicas}` : '';
      const lines = [`${n.name}${replicas}`];
      if (n.networkMode !== null) lines.push(`network_mode: ${n.networkMode}${mode === 'stack' ? ' (ignored)' : ''}`);
      for (const p of n.ports) lines.push(portText(p));
      return lines;
    }
  }
}

/** `host IP:published→target/protocol`: `*` for every interface, `ephemeral` for a port the engine picks. */
export function portText(p: GraphPort): string {
  if (p.invalid !== null) return `${p.text ?? 'port'} (invalid)`;
  if (p.unknown) return `${p.text ?? 'port'} (unknown)`;
  const ip = p.hostIp === null ? '*' : p.hostIp.includes(':') ? `[${p.hostIp}]` : p.hostIp;
  const note = [p.mode === 'host' ? 'host mode' : '', p.onHost ? '' : 'not published'].filter(Boolean).join(', ');
  return `${ip}:${p.published ?? 'ephemeral'}→${p.target}/${p.protocol}${note ? ` (${note})` : ''}`;
}

function edgeLines(e: GraphEdge): string[] {
  switch (e.kind) {
    case 'attachment': {
      if (e.to === 'bridge') return ['network_mode: bridge'];
      const lines: string[] = [];
      if (e.aliases.length) lines.push(`aliases: ${e.aliases.join(', ')}`);
      if (e.ipv4Address !== null) lines.push(e.ipv4Address);
      if (e.ipv6Address !== null) lines.push(e.ipv6Address);
      return lines;
    }
    case 'namespace':
      return [`network_mode: ${e.networkMode}`];
    case 'published':
      return [];
    case 'reference': {
      const where = e.where === 'environment' ? e.variable! : e.where === 'env_file' ? `env_file ${e.variable}` : e.where;
      return [`${where}: ${e.name}${e.port !== null ? `:${e.port}` : ''}`];
    }
  }
}
