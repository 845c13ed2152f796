/**
 * Printers for the normalised project (see normalise.ts): YAML as `docker compose config` prints it, or JSON
 * (`docker compose config --format json`), optionally with the place each value was written.
 */
import { Document, isMap as isYamlMap, isScalar as isYamlScalar, isSeq as isYamlSeq, type Node as YamlNode } from 'yaml';
import { toPlain, type MapNode, type Node } from '../source/tree';
import { IMPLIED } from './normalise';

export type ConfigFormat = 'yaml' | 'json';

/** Where one value was written (1-based line and column) and, when it replaced others, where those were. */
export interface Provenance {
  file: string;
  line: number;
  column: number;
  overrides?: { file: string; line: number; column: number }[];
}

/**
 * The place of every value that was written somewhere, by RFC 6901 JSON pointer into the printed project
 * (`/services/web/ports/0/published`); values Compose implies (defaults, names) have none.
 */
export function provenanceOf(tree: MapNode): Record<string, Provenance> {
  const out: Record<string, Provenance> = {};
  const visit = (node: Node, pointer: string): void => {
    const place = placeOf(node);
    if (place) out[pointer === '' ? '/' : pointer] = place;
    if (node.kind === 'seq') node.items.forEach((item, i) => visit(item, `${pointer}/${i}`));
    if (node.kind === 'map') for (const [key, e] of node.entries) visit(e.value, `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`);
  };
  for (const [key, e] of tree.entries) visit(e.value, `/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`);
  return out;
}

function placeOf(node: Node): Provenance | undefined {
  if (node.kind !== 'scalar' && !node.overrides) return undefined;
  const at = node.origin ?? node.span;
  if (at === IMPLIED || at.file === '') return undefined;
  const place: Provenance = { file: at.file, line: at.line, column: at.column };
  const overrides = (node.overrides ?? []).filter((s) => s.file !== '').map((s) => ({ file: s.file, line: s.line, column: s.column }));
  if (overrides.length) place.overrides = overrides;
  return place;
}

function placeText(place: Provenance): string {
  const at = (p: { file: string; line: number; column: number }): string => `${p.file}:${p.line}:${p.column}`;
  return place.overrides ? `${at(place)} (overrides ${place.overrides.map(at).join(', ')})` : at(place);
}

/**
 * The project as text. YAML: two-space indentation, list items indented under their key (as `docker compose config`);
 * with `provenance`, each value written somewhere carries a trailing `# file:line:col` comment, followed by
 * `(overrides file:line:col, …)` where it replaced values. JSON: the project, or with `provenance`
 * `{ "config": <project>, "provenance": { <JSON pointer>: Provenance } }`. Ends with a newline.
 */
export function printConfig(tree: MapNode, format: ConfigFormat, provenance = false): string {
  const plain = toPlain(tree);
  if (format === 'json') return JSON.stringify(provenance ? { config: plain, provenance: provenanceOf(tree) } : plain, null, 2) + '\n';
  const doc = new Document(plain);
  if (provenance) annotate(doc.contents as YamlNode, tree);
  return doc.toString({ indent: 2, indentSeq: true, lineWidth: 0 });
}

/** Puts each located value's place as a trailing comment on its YAML node, walking both trees together. */
function annotate(yamlNode: YamlNode | null, node: Node): void {
  if (!yamlNode) return;
  if (isYamlScalar(yamlNode) && node.kind === 'scalar') {
    const place = placeOf(node);
    if (place) yamlNode.comment = ` ${placeText(place)}`;
    return;
  }
  if (isYamlSeq(yamlNode) && node.kind === 'seq') {
    yamlNode.items.forEach((item, i) => annotate(item as YamlNode, node.items[i]));
    return;
  }
  if (isYamlMap(yamlNode) && node.kind === 'map') {
    for (const pair of yamlNode.items) {
      const key = isYamlScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const e = node.entries.get(key);
      if (!e) continue;
      if (isYamlScalar(pair.value) || pair.value === null) annotate(pair.value as YamlNode | null, e.value);
      else {
        const place = placeOf(e.value);
        if (place && isYamlScalar(pair.key)) pair.key.comment = ` ${placeText(place)}`;
        annotate(pair.value as YamlNode, e.value);
      }
    }
  }
}
