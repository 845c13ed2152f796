import type { Severity } from '../engine/finding';
import { COLORS, draw, type DrawnEdge, type DrawnNode } from './draw';
import type { GraphDocument } from './types';

const OPEN_CLOSE: Record<DrawnNode['shape'], [string, string]> = {
  service: ['[', ']'],
  network: ['{{', '}}'],
  bridge: ['{{', '}}'],
  host: ['((', '))'],
  notes: ['>', ']'],
};

// attachments: plain lines; namespace sharing: arrows; references: dashed arrows; published ports: thick arrows from the host
const LINKS: Record<DrawnEdge['style'], string> = { attachment: '---', namespace: '-->', reference: '-.->', published: '==>' };

/** A Mermaid flowchart of the graph document, as GitHub renders it in a ```mermaid block. */
export function mermaid(doc: GraphDocument): string {
  const drawing = draw(doc);
  // Mermaid ids are plain words: number the nodes instead of using names that may be keywords ("end") or contain dashes
  const ids = new Map<string, string>();
  const counters = new Map<string, number>();
  for (const n of drawing.nodes) {
    const prefix = { service: 'svc', network: 'net', bridge: 'dockerbridge', host: 'dockerhost', notes: 'notes' }[n.shape];
    const count = counters.get(prefix) ?? 0;
    counters.set(prefix, count + 1);
    ids.set(n.id, n.shape === 'service' || n.shape === 'network' ? `${prefix}${count}` : prefix);
  }
  const out = [`%% compose-netlint graph of project ${drawing.title}`, 'flowchart LR'];
  for (const n of drawing.nodes) {
    const [open, close] = OPEN_CLOSE[n.shape];
    out.push(`  ${ids.get(n.id)}${open}"${label(n.lines)}"${close}`);
  }
  drawing.edges.forEach((e) => {
    const text = e.lines.length ? `|"${label(e.lines)}"|` : '';
    out.push(`  ${ids.get(e.from)} ${LINKS[e.style]}${text} ${ids.get(e.to)}`);
  });
  const used = new Set<Severity>([...drawing.nodes, ...drawing.edges].flatMap((x) => (x.severity ? [x.severity] : [])));
  for (const severity of ['error', 'warning', 'info'] as const) {
    if (!used.has(severity)) continue;
    const { stroke, fill } = COLORS[severity];
    out.push(`  classDef ${severity} fill:${fill},stroke:${stroke},stroke-width:2px`);
    const members = drawing.nodes.filter((n) => n.severity === severity).map((n) => ids.get(n.id));
    if (members.length) out.push(`  class ${members.join(',')} ${severity}`);
    const links = drawing.edges.flatMap((e, i) => (e.severity === severity ? [i] : []));
    if (links.length) out.push(`  linkStyle ${links.join(',')} stroke:${stroke},stroke-width:2px,color:${stroke}`);
  }
  return out.join('\n') + '\n';
}

/** Text inside a quoted Mermaid label: entity codes for what Mermaid or its HTML labels would read as syntax. */
function label(lines: string[]): string {
  return lines.map((l) => l.replace(/[#"<>&|`]/g, (c) => `#${c.charCodeAt(0)};`)).join('<br>');
}
