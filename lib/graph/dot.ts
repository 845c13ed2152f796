import { COLORS, draw, type DrawnEdge, type DrawnNode } from './draw';
import type { GraphDocument } from './types';

const SHAPES: Record<DrawnNode['shape'], { shape: string; style?: string }> = {
  service: { shape: 'box', style: 'rounded' },
  network: { shape: 'hexagon' },
  bridge: { shape: 'hexagon', style: 'dashed' },
  host: { shape: 'house' },
  notes: { shape: 'note' },
};

// attachments: plain lines; namespace sharing: bold arrows; references: dashed arrows; published ports: thick arrows from the host
const STYLES: Record<DrawnEdge['style'], Record<string, string>> = {
  attachment: { dir: 'none' },
  namespace: { style: 'bold' },
  reference: { style: 'dashed' },
  published: { penwidth: '2' },
};

/** A Graphviz DOT digraph of the graph document (`dot -Tsvg` draws it). */
export function dot(doc: GraphDocument): string {
  const drawing = draw(doc);
  const out = [
    `digraph ${quote(doc.project.name)} {`,
    `  graph [rankdir=LR, fontname="Helvetica", fontsize=12, labelloc=t, label=${quote(`compose-netlint: ${drawing.title}`)}];`,
    '  node [fontname="Helvetica", fontsize=11];',
    '  edge [fontname="Helvetica", fontsize=9];',
  ];
  for (const n of drawing.nodes) {
    const { shape, style } = SHAPES[n.shape];
    const attributes: Record<string, string> = { shape };
    const styles = [style, n.severity && 'filled'].filter(Boolean);
    if (styles.length) attributes.style = styles.join(',');
    attributes.label = n.lines.join('\n');
    if (n.severity) Object.assign(attributes, { color: COLORS[n.severity].stroke, fillcolor: COLORS[n.severity].fill, penwidth: '2', tooltip: n.messages.join('\n') });
    out.push(`  ${quote(n.id)} [${list(attributes)}];`);
  }
  for (const e of drawing.edges) {
    const attributes: Record<string, string> = { ...STYLES[e.style] };
    if (e.lines.length) attributes.label = e.lines.join('\n');
    if (e.severity) {
      const { stroke } = COLORS[e.severity];
      Object.assign(attributes, { color: stroke, fontcolor: stroke, penwidth: e.style === 'published' ? '3' : '2', tooltip: e.messages.join('\n') });
    }
    out.push(`  ${quote(e.from)} -> ${quote(e.to)} [${list(attributes)}];`);
  }
  // networks in one column, so attachments read as lines from services to their networks
  const networks = drawing.nodes.filter((n) => n.shape === 'network' || n.shape === 'bridge');
  if (networks.length > 1) out.push(`  { rank=same; ${networks.map((n) => `${quote(n.id)};`).join(' ')} }`);
  out.push('}');
  return out.join('\n') + '\n';
}

function list(attributes: Record<string, string>): string {
  return Object.entries(attributes)
    .map(([key, value]) => `${key}=${quote(value)}`)
    .join(', ');
}

/** A DOT double-quoted string: backslashes and quotes escaped, line breaks as \n (centred lines). */
function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n')}"`;
}
