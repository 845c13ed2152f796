import { isMap, isScalar, isSeq, parse, parseAllDocuments, Scalar, visit, type Node as YamlNode, type Pair, type YAMLMap } from 'yaml';
import type { FixEdit, FixProposal, FixResolver, TextEdit } from '../engine/fix';
import type { Span } from '../source/span';

/** One file's text as the fixer reads it: offsets of line starts, its line ending, its indentation step, and its YAML nodes by start offset. */
interface FileView {
  text: string;
  lineStarts: number[];
  eol: string;
  /** the smallest indentation of any indented line: the step new nested keys get (2 when no line is indented) */
  step: number;
  /** the node that starts at an offset (the outermost: a key's pair is found through `pairs`) */
  nodes: Map<number, YamlNode>;
  /** the pair whose key starts at an offset */
  pairs: Map<number, Pair>;
}

/**
 * A FixResolver over the project's texts (`sources`: text by displayed name, as the loader read them, so
 * an editor's unsaved buffer is what gets edited). Each file is parsed once with the `yaml` library and
 * edits are computed on its nodes' source ranges, so everything outside the edited lines (comments,
 * anchors, quoting, indentation) stays byte for byte. Returns undefined (no fix) when any edit of the
 * proposal does not find its node plainly written at its span; see FixEdit for what each edit does.
 */
export function fixResolver(sources: ReadonlyMap<string, string>): FixResolver {
  const views = new Map<string, FileView | undefined>();
  const view = (file: string) => {
    if (!views.has(file)) {
      const text = sources.get(file);
      views.set(file, text === undefined ? undefined : fileView(text));
    }
    return views.get(file);
  };
  return (proposal: FixProposal) => {
    const out: TextEdit[] = [];
    for (const edit of proposal.edits) {
      const file = edit.op === 'set' || edit.op === 'replace' ? edit.at.file : edit.op === 'remove' ? edit.key.file : edit.in.file;
      const v = view(file);
      const resolved = v && resolveEdit(v, edit);
      if (!resolved) return undefined;
      out.push({ ...resolved, file });
    }
    return out;
  };
}

function fileView(text: string): FileView {
  const lineStarts = [0];
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) lineStarts.push(at + 1);
  let step = 0;
  for (let i = 0; i < lineStarts.length; i++) {
    const indent = /^ */.exec(text.slice(lineStarts[i], lineStarts[i] + 80))![0].length;
    const rest = text.charAt(lineStarts[i] + indent);
    if (indent > 0 && rest !== '' && rest !== '\n' && rest !== '\r' && rest !== '#' && (step === 0 || indent < step)) step = indent;
  }
  const nodes = new Map<number, YamlNode>();
  const pairs = new Map<number, Pair>();
  for (const doc of parseAllDocuments(text)) {
    if (!('contents' in doc) || doc.errors.length) continue;
    visit(doc, {
      Pair(_, pair) {
        const key = pair.key as YamlNode | null;
        if (key?.range) pairs.set(key.range[0], pair as Pair);
      },
      Node(_, node) {
        if (node.range && !nodes.has(node.range[0])) nodes.set(node.range[0], node);
      },
    });
  }
  return { text, lineStarts, eol: text.includes('\r\n') ? '\r\n' : '\n', step: step || 2, nodes, pairs };
}

/** The offset of a span's start (1-based line and column). */
function offsetOf(v: FileView, line: number, column: number): number {
  return (v.lineStarts[line - 1] ?? v.text.length) + column - 1;
}

/** A text edit between two offsets, as a span. */
function between(v: FileView, from: number, to: number, text: string): Omit<TextEdit, 'file'> {
  const a = positionOf(v, from);
  const b = positionOf(v, to);
  return { line: a.line, column: a.column, endLine: b.line, endColumn: b.column, text };
}

function positionOf(v: FileView, offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = v.lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (v.lineStarts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - v.lineStarts[lo] + 1 };
}

/** The offset of the start of the line after the one holding `offset - 1` (or the end of the text). */
function nextLineStart(v: FileView, offset: number): number {
  const line = positionOf(v, Math.max(offset - 1, 0)).line;
  return v.lineStarts[line] ?? v.text.length;
}

function resolveEdit(v: FileView, edit: FixEdit): Omit<TextEdit, 'file'> | undefined {
  if (edit.op === 'set') return setScalar(v, edit.at, edit.value, edit.expect);
  if (edit.op === 'replace') return replaceText(v, edit.at, edit.value, edit.expect);
  if (edit.op === 'remove') return removeEntry(v, edit.key);
  return addEntries(v, edit.in, edit.path, edit.value);
}

function setScalar(v: FileView, at: Span, value: string, expect: string): Omit<TextEdit, 'file'> | undefined {
  const start = offsetOf(v, at.line, at.column);
  const node = v.nodes.get(start);
  if (!isScalar(node) || !node.range || String(node.value) !== expect) return undefined;
  const text = scalarText(node, value);
  return text === undefined ? undefined : between(v, start, node.range[1], text);
}

function replaceText(v: FileView, at: Span, value: string, expect: string): Omit<TextEdit, 'file'> | undefined {
  const start = offsetOf(v, at.line, at.column);
  if (!/^[A-Za-z0-9._:-]+$/.test(value) || v.text.slice(start, start + expect.length) !== expect) return undefined;
  return between(v, start, start + expect.length, value);
}

/** `value` written in the style of `node` where that style holds it (plain, single or double quotes); block scalars are left alone. */
function scalarText(node: Scalar, value: string): string | undefined {
  if (node.type === Scalar.QUOTE_DOUBLE) return JSON.stringify(value);
  if (node.type === Scalar.QUOTE_SINGLE) return `'${value.replace(/'/g, "''")}'`;
  if (node.type !== Scalar.PLAIN) return undefined;
  // plain only when it reads back as the same string and cannot end a flow collection early
  return !/[,[\]{}#]/.test(value) && value.trim() === value && parse(value) === value ? value : JSON.stringify(value);
}

/** The pair whose key is at `key`, when it is an entry of a block mapping that starts its own line. */
function blockPair(v: FileView, key: Span): Pair | undefined {
  const start = offsetOf(v, key.line, key.column);
  const pair = v.pairs.get(start);
  if (!pair) return undefined;
  const lineStart = v.lineStarts[key.line - 1];
  return v.text.slice(lineStart, start).trim() === '' ? pair : undefined;
}

function removeEntry(v: FileView, key: Span): Omit<TextEdit, 'file'> | undefined {
  const pair = blockPair(v, key);
  if (!pair) return undefined;
  const value = pair.value as YamlNode | null;
  // comment lines right above the key, at its indentation, go with it
  let line = key.line - 1;
  while (line > 0 && isCommentAt(v, line - 1, key.column - 1)) line--;
  const end = value?.range ? value.range[1] : (pair.key as YamlNode).range![1];
  return between(v, v.lineStarts[line], nextLineStart(v, end), '');
}

/** Whether 0-based line `index` is a comment starting at column `indent` (0-based) after nothing but spaces. */
function isCommentAt(v: FileView, index: number, indent: number): boolean {
  const start = v.lineStarts[index];
  return v.text.slice(start, start + indent) === ' '.repeat(indent) && v.text[start + indent] === '#';
}

/**
 * The block mapping at `at`: the value of the key there, or a mapping starting there. `map` null marks a key
 * with no value yet, or with an empty flow mapping `{}` (`empty`, which the new lines replace).
 */
function mappingAt(v: FileView, at: Span): { map: YAMLMap | null; pair?: Pair; empty?: YamlNode } | undefined {
  const pair = blockPair(v, at);
  if (pair) {
    const value = pair.value as YamlNode | null;
    if (value === null || (isScalar(value) && value.value === null && value.source === '')) return { map: null, pair };
    if (isMap(value) && value.flow && value.items.length === 0 && value.range) return { map: null, pair, empty: value };
    return isMap(value) && !value.flow ? { map: value } : undefined;
  }
  const node = v.nodes.get(offsetOf(v, at.line, at.column));
  return isMap(node) && !node.flow ? { map: node } : undefined;
}

function addEntries(v: FileView, at: Span, path: string[], value: string | string[]): Omit<TextEdit, 'file'> | undefined {
  const found = mappingAt(v, at);
  if (!found) return undefined;
  if (found.map === null) {
    // `key:` with nothing after it: the new lines go after the key's line, one step deeper
    const key = found.pair!.key as YamlNode;
    const indent = positionOf(v, key.range![0]).column - 1 + v.step;
    const lines = v.eol + render(v, indent, path, value).join(v.eol);
    if (found.empty) {
      // `key: {}` becomes `key:` and the block; the `{}` goes, from just after the colon
      const colon = v.text.lastIndexOf(':', found.empty.range![0]);
      return between(v, colon + 1, found.empty.range![1], lines);
    }
    const end = lineEnd(v, key.range![1]);
    return between(v, end, end, lines);
  }
  let map = found.map;
  let rest = path;
  for (;;) {
    const first = map.items[0]?.key as YamlNode | undefined;
    if (!first?.range) return undefined;
    const indent = positionOf(v, first.range[0]).column - 1;
    const existing = map.items.find((p) => isScalar(p.key) && p.key.value === rest[0]);
    if (!existing) {
      const last = map.items[map.items.length - 1];
      const end = ((last.value as YamlNode | null)?.range ?? (last.key as YamlNode).range)![1];
      return insertLines(v, nextLineStart(v, end), render(v, indent, rest, value));
    }
    const inner = existing.value as YamlNode | null;
    if (rest.length === 1) {
      // the last key is there already: a list value is appended to its block sequence, anything else is not certain
      if (!Array.isArray(value) || !isSeq(inner) || inner.flow || !inner.range || !inner.items.length) return undefined;
      const items = inner.items as YamlNode[];
      if (items.some((item) => isScalar(item) && value.includes(String(item.value)))) return undefined;
      const itemIndent = positionOf(v, items[0].range![0]).column - 3;
      if (itemIndent < 0 || v.text.slice(v.lineStarts[positionOf(v, items[0].range![0]).line - 1], items[0].range![0]).trim() !== '-') return undefined;
      return insertLines(
        v,
        nextLineStart(v, inner.range[1]),
        value.map((s) => `${' '.repeat(itemIndent)}- ${JSON.stringify(s)}`),
      );
    }
    if (!isMap(inner) || inner.flow) return undefined;
    map = inner;
    rest = rest.slice(1);
  }
}

/** Lines inserted at a line start; at the end of a text without a final newline, one is added first. */
function insertLines(v: FileView, at: number, lines: string[]): Omit<TextEdit, 'file'> {
  const before = at === v.text.length && at > 0 && !v.text.endsWith('\n') ? v.eol : '';
  return between(v, at, at, before + lines.map((l) => l + v.eol).join(''));
}

/** The offset of the end of the line holding `offset` (before its line break). */
function lineEnd(v: FileView, offset: number): number {
  const next = v.lineStarts[positionOf(v, offset).line];
  if (next === undefined) return v.text.length;
  return v.text[next - 2] === '\r' ? next - 2 : next - 1;
}

/** `path` as nested block keys from `indent`, the last holding `value`. */
function render(v: FileView, indent: number, path: string[], value: string | string[]): string[] {
  const lines: string[] = [];
  path.forEach((key, i) => {
    const pad = ' '.repeat(indent + i * v.step);
    if (i < path.length - 1) lines.push(`${pad}${key}:`);
    else if (Array.isArray(value)) lines.push(`${pad}${key}:`, ...value.map((s) => `${pad}${' '.repeat(v.step)}- ${JSON.stringify(s)}`));
    else lines.push(`${pad}${key}: ${JSON.stringify(value)}`);
  });
  return lines;
}
