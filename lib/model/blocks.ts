import type { Span } from '../source/span';
import type { MapNode, Node } from '../source/tree';
import type { ServiceKey } from './types';

/**
 * The top-level keys written on a service, each with its span, whether Compose treats its value as unset
 * (null, "", an empty list or map) and whether an unset variable decides it; for rules that blame an option
 * the typed model does not carry, without seeing the tree.
 */
export function serviceKeys(node: MapNode): Map<string, ServiceKey> {
  const out = new Map<string, ServiceKey>();
  for (const entry of node.entries.values()) {
    const v = entry.value;
    const unknown = v.kind === 'scalar' && v.unknown === true;
    const empty = !unknown && (v.kind === 'scalar' ? v.value === null || v.value === '' : v.kind === 'seq' ? v.items.length === 0 : v.entries.size === 0);
    // field by field, origin last: no spread of a temporary object per key
    const key: ServiceKey = { key: entry.key, span: entry.keySpan, empty, unknown };
    if (entry.keyOrigin) key.origin = entry.keyOrigin;
    out.set(entry.key, key);
  }
  return out;
}

/** One span per file covering every span given: the extent of a block that overrides and `extends` may spread over files. */
export function spanExtents(spans: Iterable<Span>): Span[] {
  const byFile = new Map<string, Span>();
  for (const s of spans) extend(byFile, s);
  return [...byFile.values()];
}

/** Widens the extent of `s`'s file in `byFile` to cover `s`. */
function extend(byFile: Map<string, Span>, s: Span): void {
  const e = byFile.get(s.file);
  if (!e) {
    // a copy field by field: V8 (Node 20) gives each `{ ...s }` a hidden class of its own
    byFile.set(s.file, { file: s.file, line: s.line, column: s.column, endLine: s.endLine, endColumn: s.endColumn });
    return;
  }
  if (s.line < e.line || (s.line === e.line && s.column < e.column)) {
    e.line = s.line;
    e.column = s.column;
  }
  if (s.endLine > e.endLine || (s.endLine === e.endLine && s.endColumn > e.endColumn)) {
    e.endLine = s.endLine;
    e.endColumn = s.endColumn;
  }
}

/** spanExtents of a key's span and every span of the node under it, widened as the walk meets them (no list of them all). */
export function blockExtents(first: Span, node: Node): Span[] {
  const byFile = new Map<string, Span>();
  extend(byFile, first);
  const walk = (n: Node): void => {
    extend(byFile, n.span);
    if (n.kind === 'seq') for (const item of n.items) walk(item);
    if (n.kind === 'map') {
      for (const e of n.entries.values()) {
        extend(byFile, e.keySpan);
        walk(e.value);
      }
    }
  };
  walk(node);
  return [...byFile.values()];
}
