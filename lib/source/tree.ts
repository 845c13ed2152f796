import type { Span } from './span';

/**
 * The located tree: YAML after alias and merge-key resolution, where every node keeps the span
 * that produced it. `span` is where the value is used; `origin` is where its text really is when
 * that differs (an alias or a merge key pulled it in from an anchor).
 */
export type Scalar = string | number | boolean | null;

interface NodeBase {
  span: Span;
  origin?: Span;
  /** `!reset` or `!override` (compose-spec merge tags); other tags are not kept. */
  tag?: '!reset' | '!override';
  /** where the values this one replaced were written, earliest first (a later -f file, an extending service, a local definition over an included one) */
  overrides?: Span[];
}

export interface ScalarNode extends NodeBase {
  kind: 'scalar';
  value: Scalar;
  /** true when interpolation left a variable unresolved: the value is not known before run time */
  unknown?: boolean;
  /** the text before interpolation, when interpolation changed it */
  raw?: string;
}

export interface Entry {
  key: string;
  keySpan: Span;
  keyOrigin?: Span;
  value: Node;
}

export interface MapNode extends NodeBase {
  kind: 'map';
  entries: Map<string, Entry>;
}

export interface SeqNode extends NodeBase {
  kind: 'seq';
  items: Node[];
}

export type Node = ScalarNode | MapNode | SeqNode;

export function isMap(node: Node | undefined): node is MapNode {
  return node?.kind === 'map';
}
export function isSeq(node: Node | undefined): node is SeqNode {
  return node?.kind === 'seq';
}
export function isScalar(node: Node | undefined): node is ScalarNode {
  return node?.kind === 'scalar';
}

export function get(node: Node | undefined, key: string): Node | undefined {
  return isMap(node) ? node.entries.get(key)?.value : undefined;
}

export function entry(node: Node | undefined, key: string): Entry | undefined {
  return isMap(node) ? node.entries.get(key) : undefined;
}

/** Follows a path of map keys and sequence indexes. */
export function at(node: Node | undefined, path: readonly (string | number)[]): Node | undefined {
  let current = node;
  for (const part of path) {
    if (typeof part === 'number') current = isSeq(current) ? current.items[part] : undefined;
    else current = get(current, part);
    if (!current) return undefined;
  }
  return current;
}

export function mapNode(span: Span, entries: Iterable<Entry> = []): MapNode {
  return { kind: 'map', span, entries: new Map([...entries].map((e) => [e.key, e])) };
}

/** Plain JavaScript value of a located tree, as Compose would see it. */
export function toPlain(node: Node): unknown {
  switch (node.kind) {
    case 'scalar':
      return node.value;
    case 'seq':
      return node.items.map(toPlain);
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const [key, e] of node.entries) {
        // a YAML key "__proto__" is data, not the object's prototype
        if (key === '__proto__') Object.defineProperty(out, key, { value: toPlain(e.value), enumerable: true, writable: true, configurable: true });
        else out[key] = toPlain(e.value);
      }
      return out;
    }
  }
}
