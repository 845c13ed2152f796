import { Alias, Document, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, type Node as YamlNode } from 'yaml';
import type { Diagnostic } from './diagnostic';
import type { Span } from './span';
import type { Entry, MapNode, Node, ScalarNode } from './tree';

/** Nodes that aliases and merge keys may produce in one file; past it the file is an alias bomb. */
export const ALIAS_EXPANSION_LIMIT = 200_000;

export interface ParsedFile {
  file: string;
  /** one tree per YAML document; Compose merges documents of one file in order */
  documents: Node[];
  diagnostics: Diagnostic[];
  lineCounter: LineCounter;
}

const COMPOSE_TAGS = new Set(['!reset', '!override']);

class AliasBomb extends Error {
  constructor(readonly span: Span) {
    super('alias bomb');
  }
}

/** Parses YAML 1.2 text, merge keys on, into located trees. Never throws on bad input. */
export function parseYaml(file: string, text: string): ParsedFile {
  const lineCounter = new LineCounter();
  // uniqueKeys is off: the library checks each key against every earlier one (quadratic); Converter.map checks in a Map
  const docs = withPlainEnv(() => parseAllDocuments(text, { lineCounter, merge: true, uniqueKeys: false, version: '1.2', prettyErrors: false }));
  const diagnostics: Diagnostic[] = [];
  const spanOf = (range: readonly number[] | null | undefined, fallback?: Span): Span => {
    if (!range) return fallback ?? { file, line: 1, column: 1, endLine: 1, endColumn: 1 };
    const start = lineCounter.linePos(range[0]);
    const end = lineCounter.linePos(Math.max(range[1], range[0]));
    return { file, line: start.line, column: start.col, endLine: end.line, endColumn: end.col };
  };
  const documents: Node[] = [];
  const list = Array.isArray(docs) ? docs : [docs];
  for (const doc of list as Document.Parsed[]) {
    for (const error of doc.errors) {
      const message = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      diagnostics.push({ ruleId: 'yaml-syntax', severity: 'error', message: lowerFirst(message), span: spanOf(error.pos) });
    }
    if (doc.errors.length > 0) continue;
    for (const warning of doc.warnings) {
      if (warning.code === 'TAG_RESOLVE_FAILED' && COMPOSE_TAGS.has(/tag: (\S+)/.exec(warning.message)?.[1] ?? '')) continue;
      const message = warning.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      diagnostics.push({ ruleId: 'yaml-syntax', severity: 'warning', message: lowerFirst(message), span: spanOf(warning.pos) });
    }
    if (doc.contents === null) continue;
    try {
      documents.push(new Converter(spanOf, diagnostics).convert(doc.contents as YamlNode, undefined));
    } catch (error) {
      if (!(error instanceof AliasBomb)) throw error;
      diagnostics.push({
        ruleId: 'yaml-syntax',
        severity: 'error',
        message: `aliases expand to more than ${ALIAS_EXPANSION_LIMIT} nodes (an alias bomb?); the file was not read further. use fewer nested aliases`,
        span: error.span,
      });
    }
  }
  return { file, documents, diagnostics, lineCounter };
}

/**
 * yaml's Parser reads `process.env.LOG_TOKENS` once per token, and each read of the real
 * `process.env` is a call into the C++ environment: about a third of the parse time of a large
 * file. Parsing is synchronous, so a plain copy can stand in for it meanwhile.
 */
function withPlainEnv<T>(parse: () => T): T {
  const env = process.env;
  process.env = { ...env };
  try {
    return parse();
  } finally {
    process.env = env;
  }
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

class Converter {
  private expanded = 0;
  private readonly active = new Set<YamlNode>();
  /** anchor name -> the latest node anchored with it so far; conversion walks in document order, as aliases are resolved */
  private readonly anchors = new Map<string, YamlNode>();

  constructor(
    private readonly spanOf: (range: readonly number[] | null | undefined, fallback?: Span) => Span,
    private readonly diagnostics: Diagnostic[],
  ) {}

  /** `use` is the span of the alias that brought this node in, if any. */
  convert(node: YamlNode, use: Span | undefined): Node {
    if (use && ++this.expanded > ALIAS_EXPANSION_LIMIT) throw new AliasBomb(use);
    if (isAlias(node)) return this.alias(node, use);
    // only where the text is: re-expanding an earlier anchor must not shadow a later redefinition
    const anchor = (node as { anchor?: string }).anchor;
    if (anchor && !use) this.anchors.set(anchor, node);
    const own = this.spanOf(node.range);
    const span = use ?? own;
    const origin = use ? own : undefined;
    const tag = node.tag && COMPOSE_TAGS.has(node.tag) ? (node.tag as '!reset' | '!override') : undefined;
    if (isScalar(node)) {
      const value = node.value;
      const scalar: ScalarNode = { kind: 'scalar', span, value: normaliseScalar(value) };
      if (origin) scalar.origin = origin;
      if (tag) scalar.tag = tag;
      return scalar;
    }
    if (isSeq(node)) {
      const items = node.items.map((item) => this.convert(item as YamlNode, use));
      return withMeta({ kind: 'seq', span, items }, origin, tag);
    }
    if (isMap(node)) return withMeta(this.map(node, use), origin, tag);
    return { kind: 'scalar', span, value: null };
  }

  private alias(alias: Alias, use: Span | undefined): Node {
    const target = this.anchors.get(alias.source);
    const span = use ?? this.spanOf(alias.range);
    if (!target) {
      this.diagnostics.push({ ruleId: 'yaml-syntax', severity: 'error', message: `unknown alias "*${alias.source}"`, span });
      return { kind: 'scalar', span, value: null };
    }
    if (this.active.has(target)) {
      this.diagnostics.push({
        ruleId: 'yaml-syntax',
        severity: 'error',
        message: `alias "*${alias.source}" refers to a node that contains it; recursive aliases cannot be expanded`,
        span,
      });
      return { kind: 'scalar', span, value: null };
    }
    this.active.add(target);
    try {
      return this.convert(target, span);
    } finally {
      this.active.delete(target);
    }
  }

  private map(node: import('yaml').YAMLMap, use: Span | undefined): MapNode {
    const entries = new Map<string, Entry>();
    const merged: Entry[] = [];
    const span = use ?? this.spanOf(node.range);
    this.active.add(node);
    try {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const keyNode = pair.key as YamlNode | null;
        if (isScalar(keyNode) && typeof keyNode.value === 'symbol' && keyNode.value.description === '<<') {
          merged.push(...this.mergeSources(pair.value as YamlNode, use));
          continue;
        }
        const keyOwn = this.spanOf(keyNode?.range, span);
        const keySpan = use ?? keyOwn;
        const key = isScalar(keyNode) ? String(keyNode.value) : keyNode ? String(keyNode) : '';
        const valueNode = pair.value as YamlNode | null;
        const value: Node =
          valueNode === null || (isScalar(valueNode) && valueNode.range?.[0] === valueNode.range?.[1] && valueNode.value === null && !valueNode.tag)
            ? { kind: 'scalar', span: keySpan, value: null, ...(use ? { origin: keyOwn } : {}) }
            : this.convert(valueNode, use);
        const e: Entry = { key, keySpan, value };
        if (use) e.keyOrigin = keyOwn;
        // reported once, where the text is, not again at every alias that expands this map
        if (entries.has(key) && !use) this.diagnostics.push({ ruleId: 'yaml-syntax', severity: 'error', message: 'map keys must be unique', span: keyOwn });
        entries.set(key, e);
      }
    } finally {
      this.active.delete(node);
    }
    // explicit keys win over merged ones; earlier merge sources win over later ones
    for (const e of merged) if (!entries.has(e.key)) entries.set(e.key, e);
    return { kind: 'map', span, entries };
  }

  /** Entries a merge key brings in, each placed at the merge key's alias (the use site), keeping its anchor position as origin. */
  private mergeSources(value: YamlNode, use: Span | undefined): Entry[] {
    const sources = isSeq(value) ? (value.items as YamlNode[]) : [value];
    const out: Entry[] = [];
    const seen = new Set<string>();
    for (const source of sources) {
      const converted = this.convert(source, use ?? this.spanOf(source.range));
      if (converted.kind !== 'map') {
        this.diagnostics.push({ ruleId: 'yaml-syntax', severity: 'error', message: 'merge key "<<" needs a mapping or a list of mappings', span: converted.span });
        continue;
      }
      for (const e of converted.entries.values()) {
        if (seen.has(e.key)) continue;
        seen.add(e.key);
        out.push(e);
      }
    }
    return out;
  }
}

function withMeta<T extends Node>(node: T, origin: Span | undefined, tag: Node['tag']): T {
  if (origin) node.origin = origin;
  if (tag) node.tag = tag;
  return node;
}

function normaliseScalar(value: unknown): ScalarNode['value'] {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  return String(value);
}
