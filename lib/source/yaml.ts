import { Alias, Composer, CST, Document, isAlias, isMap, isPair, isScalar, isSeq, Lexer, LineCounter, Parser, type Node as YamlNode } from 'yaml';
import { quoteValue, type Diagnostic } from './diagnostic';
import { describeYamlError, lowerFirst } from './yaml-errors';
import { checkDocument, cstSource, streamIsPlain, type CheckedDocument } from './cst-tree';
import type { Span } from './span';
import type { Entry, MapNode, Node, ScalarNode } from './tree';

/** Nodes that aliases and merge keys may produce in any file, however small; see aliasExpansionLimit. */
export const ALIAS_EXPANSION_LIMIT = 200_000;

/**
 * Nodes that aliases and merge keys may produce in a file of `bytes` characters: one per character of
 * the file, and at least ALIAS_EXPANSION_LIMIT; past it the file is an alias bomb. As the yaml library's
 * own `maxAliasCount` reasons, what an alias may cost is weighed against the document it sits in rather
 * than fixed: the text itself spells out at most one node per two characters, so an honest file (5,000
 * services each merging a 40-variable anchor: 0.43 expanded nodes a character) passes, while a bomb,
 * whose aliases multiply, stops within a few times the tree its size could hold (about 350 bytes of
 * memory an expanded node: at most about 1.4 GiB for a file at the 4 MiB read bound).
 */
export function aliasExpansionLimit(bytes: number): number {
  return Math.max(ALIAS_EXPANSION_LIMIT, bytes);
}

/**
 * Not a Compose limit (Compose files nest a handful of levels): a guard so that `[[[[…` or a chain of
 * aliases cannot overflow the stack of the YAML library or of the walks that follow. Deeper collections,
 * as written or as aliases expand them, are a yaml-syntax error at the first one too deep, whatever the
 * stack size, so the same file always gives the same finding.
 */
export const MAX_NESTING_DEPTH = 100;

export interface ParsedFile {
  file: string;
  /** one tree per YAML document; Compose merges documents of one file in order */
  documents: Node[];
  diagnostics: Diagnostic[];
  lineCounter: LineCounter;
}

const COMPOSE_TAGS = new Set(['!reset', '!override']);

/** Conversion stopped: aliases expand too much, or collections nest too deep. */
class TooLarge extends Error {
  constructor(
    readonly span: Span,
    readonly why: 'aliases' | 'nesting',
  ) {
    super(why);
  }
}

const NESTING_MESSAGE = `collections nest more than ${MAX_NESTING_DEPTH} levels deep; the file was not read further. flatten the structure`;

/**
 * The library's parser keeps its own stack while it reads, but recurses once per level when it closes
 * collections (a few thousand levels overflow it). Its input stops where brackets, block indicators on
 * one line and indentation add up to more than this: at least the real depth, so real YAML never gets near it.
 */
const MAX_LEXICAL_DEPTH = 500;
const LEXICAL_MESSAGE = `brackets, indicators and indentation go more than ${MAX_LEXICAL_DEPTH} levels deep here; the file was not read further. flatten the structure`;

/**
 * Parses YAML 1.2 text, merge keys on, into located trees. Never throws on bad input. Spans are
 * 1-based and always inside the text: a line is ended by "\n", and a column is at most the line's
 * length plus one (the library's own line counter misses lines in some broken input, and some of
 * its error ranges end past the text). `options.fast: false` composes every document with the
 * library's Composer instead of reading it straight from the parser's tokens (cst-tree.ts), which
 * gives the same trees and diagnostics; the differential test compares the two.
 */
export function parseYaml(file: string, text: string, options: { fast?: boolean } = {}): ParsedFile {
  const lineCounter = new LineCounter();
  lineCounter.addNewLine(0);
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) lineCounter.addNewLine(at + 1);
  const position = (offset: number): { line: number; col: number } => lineCounter.linePos(Math.min(Math.max(offset, 0), text.length));
  const diagnostics: Diagnostic[] = [];
  const spanOf = (range: readonly number[] | null | undefined, fallback?: Span): Span => {
    if (!range) return fallback ?? { file, line: 1, column: 1, endLine: 1, endColumn: 1 };
    const start = position(range[0]);
    const end = position(Math.max(range[1], range[0]));
    return { file, line: start.line, column: start.col, endLine: end.line, endColumn: end.col };
  };
  const parsedTokens = withPlainEnv(() => parseTokens(text));
  // a collection too deep before the cut is the finding the whole text would give
  const deep = tooDeep(parsedTokens.tokens);
  if (deep !== undefined || parsedTokens.cut !== undefined) {
    const at = deep ?? parsedTokens.cut!;
    diagnostics.push({ ruleId: 'yaml-syntax', severity: 'error', message: deep !== undefined ? NESTING_MESSAGE : LEXICAL_MESSAGE, span: spanOf([at, at + 1]) });
    return { file, documents: [], diagnostics, lineCounter };
  }
  const limit = aliasExpansionLimit(text.length);
  const documents: Node[] = [];
  const convert = <N>(src: NodeSource<N>, root: N): void => {
    try {
      documents.push(new Converter(src, spanOf, diagnostics, limit).convert(root, undefined, 1));
    } catch (error) {
      if (!(error instanceof TooLarge)) throw error;
      diagnostics.push({
        ruleId: 'yaml-syntax',
        severity: 'error',
        message: error.why === 'nesting' ? NESTING_MESSAGE : `aliases expand to more than ${limit} nodes (an alias bomb?); the file was not read further. use fewer nested aliases`,
        span: error.span,
      });
    }
  };
  // documents the fast path reads straight from the tokens (cst-tree.ts); the others, or all of them when the
  // stream has directives, `...` or error tokens, are composed by the library, as before
  const fast = options.fast !== false && streamIsPlain(parsedTokens.tokens);
  const prepared: (Prepared | undefined)[] = fast
    ? parsedTokens.tokens
        .filter((t) => t.type === 'document')
        .map((t) => {
          const checked = checkDocument(t as CST.Document);
          return checked ? { checked } : compose([t], text, parsedTokens.tokens)[0];
        })
    : compose(parsedTokens.tokens, text, parsedTokens.tokens);
  // the parser's tokens (about twice the documents' size) are garbage from here but for the documents read from
  // them, which drop each collection's items as they are converted
  parsedTokens.tokens = [];
  for (let i = 0; i < prepared.length; i++) {
    const item = prepared[i]!;
    // each document is garbage once converted
    prepared[i] = undefined;
    if ('checked' in item) {
      const src = cstSource(item.checked);
      convert(src, src.root());
      continue;
    }
    const { doc, problem } = item;
    if (problem) {
      diagnostics.push({ ruleId: 'yaml-syntax', severity: 'error', message: problem.message, span: spanOf(problem.range) });
      continue;
    }
    for (const warning of doc.warnings) {
      if (warning.code === 'TAG_RESOLVE_FAILED' && COMPOSE_TAGS.has(/tag: (\S+)/.exec(warning.message)?.[1] ?? '')) continue;
      const message = warning.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      diagnostics.push({ ruleId: 'yaml-syntax', severity: 'warning', message: lowerFirst(message), span: spanOf(warning.pos) });
    }
    if (doc.contents !== null) convert(documentSource, doc.contents as YamlNode);
  }
  return { file, documents, diagnostics, lineCounter };
}

/** A document ready to convert: checked for the fast path, or composed by the library with its first problem. */
type Prepared = { checked: CheckedDocument } | { doc: Document.Parsed; problem: ReturnType<typeof describeYamlError> | undefined };

/**
 * The library's Documents for `stream` (tokens of `text`, all of which are `tokens`), each with its
 * first error described: the library's later ones there mostly follow from it (a line out of place
 * gives three), and Compose, reading with go-yaml, stops at the first one too.
 */
function compose(stream: readonly CST.Token[], text: string, tokens: readonly CST.Token[]): Prepared[] {
  // uniqueKeys is off: the library checks each key against every earlier one (quadratic); Converter.map checks in a Map
  const docs = withPlainEnv(() => Array.from(new Composer({ merge: true, uniqueKeys: false, version: '1.2' }).compose(stream)));
  return docs.map((doc) => ({ doc, problem: doc.errors.length > 0 ? describeYamlError(doc.errors[0], text, tokens) : undefined }));
}

/**
 * The parser's tokens for `text`, lexed once; `cut` is the offset where the text stopped being read
 * because an upper bound of its nesting (open brackets, plus the block indicators and indentation of
 * the line) passed MAX_LEXICAL_DEPTH.
 */
function parseTokens(text: string): { tokens: CST.Token[]; cut?: number } {
  const parser = new Parser();
  const tokens: CST.Token[] = [];
  let cut: number | undefined;
  let flow = 0;
  let line = 0;
  let atLineStart = true;
  let atScalar = false;
  for (const lexeme of new Lexer().lex(text)) {
    // the lexeme after a scalar marker is the scalar's own text, whatever it looks like
    const type: string | null = atScalar ? 'scalar-source' : CST.tokenType(lexeme);
    atScalar = type === 'scalar';
    if (type === 'newline') {
      line = 0;
      atLineStart = true;
    } else if (type === 'space') {
      if (atLineStart) line += lexeme.length;
    } else if (type !== 'scalar' && type !== 'doc-mode') {
      atLineStart = false;
      if (type === 'seq-item-ind' || type === 'explicit-key-ind' || type === 'map-value-ind') line++;
      else if (type === 'flow-seq-start' || type === 'flow-map-start') flow++;
      else if (type === 'flow-seq-end' || type === 'flow-map-end') flow = Math.max(0, flow - 1);
    }
    if (flow + line > MAX_LEXICAL_DEPTH) {
      cut = parser.offset;
      break;
    }
    for (const token of parser.next(lexeme)) tokens.push(token);
  }
  for (const token of parser.end()) tokens.push(token);
  return cut === undefined ? { tokens } : { tokens, cut };
}

/**
 * The offset of the first collection (in document order) nested more than MAX_NESTING_DEPTH deep in
 * the parser's tokens, or undefined. The library's parser keeps its own stack; its composer and
 * everything after it recurse once per level, so this runs first, without recursion.
 */
function tooDeep(tokens: readonly CST.Token[]): number | undefined {
  // two parallel stacks, children pushed in place: no tuple or child list per token (this walks every token of the file)
  const stack: CST.Token[] = [];
  const depths: number[] = [];
  for (let i = tokens.length - 1; i >= 0; i--) {
    stack.push(tokens[i]);
    depths.push(0);
  }
  while (stack.length) {
    const token = stack.pop()!;
    const depth = depths.pop()!;
    if (token.type === 'document') {
      if (token.value) {
        stack.push(token.value);
        depths.push(depth);
      }
    } else if (token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection') {
      if (depth + 1 > MAX_NESTING_DEPTH) return token.offset;
      const items = token.items;
      for (let i = items.length - 1; i >= 0; i--) {
        const item = items[i] as { key?: CST.Token | null; value?: CST.Token | null };
        if (item.value) {
          stack.push(item.value);
          depths.push(depth + 1);
        }
        if (item.key) {
          stack.push(item.key);
          depths.push(depth + 1);
        }
      }
    }
  }
  return undefined;
}

/**
 * yaml's Parser reads `process.env.LOG_TOKENS` once per token (its Composer `LOG_STREAM` once per document), and each read of the real
 * `process.env` is a call into the C++ environment: about a third of the parse time of a large
 * file. Parsing is synchronous, so a plain object holding those two variables (the only ones yaml 2.x reads) stands
 * in for it meanwhile: a copy of the whole environment, made twice a file, was 4 % of a run over 268 files.
 */
function withPlainEnv<T>(parse: () => T): T {
  const env = process.env;
  process.env = { LOG_TOKENS: env.LOG_TOKENS, LOG_STREAM: env.LOG_STREAM };
  try {
    return parse();
  } finally {
    process.env = env;
  }
}

/** A merge key's value that is not a mapping, a list of mappings or an alias to one (go-yaml refuses it: "map merge requires map or sequence of maps as the value"). */
const MERGE_NEEDS_MAP = 'merge key "<<" needs a mapping or a list of mappings';

/** An alias with no anchor of its name before it (go-yaml, which Compose reads with, refuses it: "unknown anchor"). */
function unknownAlias(name: string): string {
  return `unknown alias "*${name}": no anchor "&${name}" comes before it, so Compose cannot load the file. define the anchor earlier in the file or correct the name`;
}

/**
 * A key written twice in one mapping, at the second (`at`), the first in `related`. The yaml library would
 * keep one of them; Compose reads with go-yaml v3, whose decoder refuses the file ("mapping key … already
 * defined at line …", yaml.v3 decode.go, decoder.mapping).
 */
function duplicateKey(key: string, first: Entry, at: Span): Diagnostic {
  const firstAt = first.keyOrigin ?? first.keySpan;
  return {
    ruleId: 'yaml-syntax',
    severity: 'error',
    message: `key ${quoteValue(key)} is written twice in this mapping (first at line ${firstAt.line}); Compose refuses the file ("mapping key already defined"). remove one of them or merge their values`,
    span: at,
    related: [{ message: `first ${quoteValue(key)} here`, span: firstAt }],
  };
}

/**
 * What the Converter reads a YAML node through, so one Converter serves both the library's Documents
 * (`documentSource`) and the parser's tokens (cst-tree.ts). Offsets are UTF-16 code units into the text.
 */
export interface NodeSource<N> {
  kind(node: N): 'scalar' | 'seq' | 'map' | 'alias' | 'other';
  /** [start, end of the value] as the library's Composer gives them in `range` */
  range(node: N): readonly number[] | null | undefined;
  /** the anchor's name without "&", if the node has one */
  anchor(node: N): string | undefined;
  /** the explicit tag as the library names it ("!reset"), if any */
  tag(node: N): string | null | undefined;
  /** a scalar's value as the YAML 1.2 core schema resolves it (the merge key "<<" is the library's symbol) */
  value(node: N): unknown;
  /** an alias's anchor name without "*" */
  aliasName(node: N): string;
  /** a sequence's items in order */
  items(node: N): Iterable<N>;
  /** a mapping's pairs in order, [key, value]; either may be null */
  pairs(node: N): Iterable<readonly [N | null, N | null]>;
}

/** The library's composed Documents as a NodeSource. */
export const documentSource: NodeSource<YamlNode> = {
  kind: (node) => (isScalar(node) ? 'scalar' : isSeq(node) ? 'seq' : isMap(node) ? 'map' : isAlias(node) ? 'alias' : 'other'),
  range: (node) => node.range,
  anchor: (node) => (node as { anchor?: string }).anchor,
  tag: (node) => node.tag,
  value: (node) => (node as { value?: unknown }).value,
  aliasName: (node) => (node as Alias).source,
  items: (node) => (node as import('yaml').YAMLSeq).items as YamlNode[],
  *pairs(node) {
    for (const pair of (node as import('yaml').YAMLMap).items) if (isPair(pair)) yield [pair.key as YamlNode | null, pair.value as YamlNode | null] as const;
  },
};

/** Converts a node, read through a NodeSource, into a located tree: aliases expanded, merge keys applied. */
export class Converter<N> {
  private expanded = 0;
  private readonly active = new Set<N>();
  /** anchor name -> the latest node anchored with it so far; conversion walks in document order, as aliases are resolved */
  private readonly anchors = new Map<string, N>();
  /**
   * Aliases being expanded around the node converted now: 0 where the text is. A merge key's own mapping
   * (`<<: {x: 1}`) is placed at the merge like an alias's, but is text: its anchors count (go-yaml, as the
   * yaml library, resolves an alias to the latest anchor written before it) and its duplicate keys are reported.
   */
  private expanding = 0;
  /** alias offset -> the node it names, fixed where the text is: an alias names the latest anchor written before it, however later expansions reach it */
  private readonly targets = new Map<number, N | undefined>();

  constructor(
    private readonly src: NodeSource<N>,
    private readonly spanOf: (range: readonly number[] | null | undefined, fallback?: Span) => Span,
    private readonly diagnostics: Diagnostic[],
    /** nodes aliases may produce in this file (aliasExpansionLimit) */
    private readonly limit: number,
  ) {}

  /** `use` is the span of the alias that brought this node in, if any; `depth` is the node's depth in the tree (1 at the top). */
  convert(node: N, use: Span | undefined, depth: number): Node {
    if (use && ++this.expanded > this.limit) throw new TooLarge(use, 'aliases');
    const src = this.src;
    const kind = src.kind(node);
    if (kind === 'alias') return this.alias(node, use, depth);
    // only where the text is: re-expanding an earlier anchor must not shadow a later redefinition
    const anchor = src.anchor(node);
    if (anchor && this.expanding === 0) this.anchors.set(anchor, node);
    const own = this.spanOf(src.range(node));
    const span = use ?? own;
    const origin = use ? own : undefined;
    const rawTag = src.tag(node);
    const tag = rawTag && COMPOSE_TAGS.has(rawTag) ? (rawTag as '!reset' | '!override') : undefined;
    if (kind === 'scalar') {
      const scalar: ScalarNode = { kind: 'scalar', span, value: normaliseScalar(src.value(node)) };
      if (origin) scalar.origin = origin;
      if (tag) scalar.tag = tag;
      return scalar;
    }
    // aliases can nest collections deeper than the text does
    if ((kind === 'seq' || kind === 'map') && depth > MAX_NESTING_DEPTH) throw new TooLarge(span, 'nesting');
    if (kind === 'seq') {
      const items: Node[] = [];
      for (const item of src.items(node)) items.push(this.convert(item, use, depth + 1));
      return withMeta({ kind: 'seq', span, items }, origin, tag);
    }
    if (kind === 'map') return withMeta(this.map(node, use, depth), origin, tag);
    return { kind: 'scalar', span, value: null };
  }

  private alias(alias: N, use: Span | undefined, depth: number): Node {
    const name = this.src.aliasName(alias);
    const target = this.target(alias);
    const span = use ?? this.spanOf(this.src.range(alias));
    if (!target) {
      this.diagnostics.push({ ruleId: 'yaml-syntax', severity: 'error', message: unknownAlias(name), span });
      return { kind: 'scalar', span, value: null };
    }
    if (this.active.has(target)) {
      this.diagnostics.push({
        ruleId: 'yaml-syntax',
        severity: 'error',
        message: `alias "*${name}" refers to a node that contains it; recursive aliases cannot be expanded`,
        span,
      });
      return { kind: 'scalar', span, value: null };
    }
    this.active.add(target);
    this.expanding++;
    try {
      return this.convert(target, span, depth);
    } finally {
      this.expanding--;
      this.active.delete(target);
    }
  }

  /**
   * The node `alias` names: the latest anchor of its name written before it in the text (go-yaml's parser
   * resolves each alias as it reads it, yaml.v3 parser.go alias(); the yaml library's Alias.resolve the same),
   * not the latest one converted when an expansion of an enclosing anchor reaches the alias again.
   */
  private target(alias: N): N | undefined {
    const at = this.src.range(alias)?.[0] ?? -1;
    if (this.expanding > 0 && this.targets.has(at)) return this.targets.get(at);
    const target = this.anchors.get(this.src.aliasName(alias));
    if (this.expanding === 0) this.targets.set(at, target);
    return target;
  }

  /** An empty value written without a tag (`key:`): the library's empty scalar, or no node at all. */
  private isBare(node: N | null): boolean {
    if (node === null) return true;
    if (this.src.kind(node) !== 'scalar' || this.src.value(node) !== null || this.src.tag(node)) return false;
    const range = this.src.range(node);
    return range?.[0] === range?.[1];
  }

  private map(node: N, use: Span | undefined, depth: number): MapNode {
    const src = this.src;
    const entries = new Map<string, Entry>();
    const merged: Entry[] = [];
    const span = use ?? this.spanOf(src.range(node));
    // a merge can bring in a map that is already being converted: it stays marked until its outermost conversion ends
    const entered = !this.active.has(node);
    if (entered) this.active.add(node);
    try {
      for (const [keyNode, valueNode] of src.pairs(node)) {
        if (keyNode !== null && src.kind(keyNode) === 'scalar') {
          const keyValue = src.value(keyNode);
          if (typeof keyValue === 'symbol' && keyValue.description === '<<') {
            // `{<<}`: a flow map's key without ":" has no value node at all
            if (valueNode === null) this.diagnostics.push({ ruleId: 'yaml-syntax', severity: 'error', message: MERGE_NEEDS_MAP, span: use ?? this.spanOf(src.range(keyNode), span) });
            else for (const e of this.mergeSources(valueNode, use, depth)) merged.push(e);
            continue;
          }
        }
        const keyOwn = this.spanOf(keyNode === null ? undefined : src.range(keyNode), span);
        const keySpan = use ?? keyOwn;
        const key = this.keyText(keyNode, keyOwn, this.expanding === 0);
        if (key === undefined) continue;
        const value: Node = this.isBare(valueNode) ? { kind: 'scalar', span: keySpan, value: null, ...(use ? { origin: keyOwn } : {}) } : this.convert(valueNode!, use, depth + 1);
        const e: Entry = { key, keySpan, value };
        if (use) e.keyOrigin = keyOwn;
        // reported once, where the text is, not again at every alias that expands this map
        if (entries.has(key) && this.expanding === 0) this.diagnostics.push(duplicateKey(key, entries.get(key)!, keyOwn));
        entries.set(key, e);
      }
    } finally {
      if (entered) this.active.delete(node);
    }
    // explicit keys win over merged ones; earlier merge sources win over later ones
    for (const e of merged) if (!entries.has(e.key)) entries.set(e.key, e);
    return { kind: 'map', span, entries };
  }

  /**
   * A map key's text: a scalar's value, or the value of the scalar an alias names. A list or a mapping
   * cannot be a key (Compose reads YAML with go-yaml, which refuses it: "invalid map key"): that is a
   * yaml-syntax error at the key, reported where the text is (`report`), and the entry is left out.
   */
  private keyText(keyNode: N | null, span: Span, report: boolean): string | undefined {
    if (keyNode === null) return '';
    const src = this.src;
    const isAliasKey = src.kind(keyNode) === 'alias';
    const target = isAliasKey ? this.target(keyNode) : keyNode;
    if (target !== undefined && src.kind(target) === 'scalar') return String(src.value(target));
    if (report) {
      const message = target === undefined ? unknownAlias(src.aliasName(keyNode)) : 'a list or a mapping cannot be a map key; Compose cannot load the file ("invalid map key"). use a string';
      this.diagnostics.push({ ruleId: 'yaml-syntax', severity: 'error', message, span });
    }
    return undefined;
  }

  /** Entries a merge key brings in, each placed at the merge key's alias (the use site), keeping its anchor position as origin. */
  private mergeSources(value: N, use: Span | undefined, depth: number): Entry[] {
    const src = this.src;
    // an alias to a sequence of mappings merges each of them, as to a mapping (compose-go loader/reset.go resolveContainer
    // substitutes the alias's target under "<<"; loader/reset_test.go TestMergeKeyAliasTargets)
    const target = src.kind(value) === 'alias' ? this.target(value) : undefined;
    if (target !== undefined && src.kind(target) === 'seq' && !this.active.has(target)) {
      const at = use ?? this.spanOf(src.range(value));
      this.active.add(target);
      this.expanding++;
      try {
        return this.mergeEntries(src.items(target), at, depth);
      } finally {
        this.expanding--;
        this.active.delete(target);
      }
    }
    return this.mergeEntries(src.kind(value) === 'seq' ? src.items(value) : [value], use, depth);
  }

  private mergeEntries(sources: Iterable<N>, use: Span | undefined, depth: number): Entry[] {
    const out: Entry[] = [];
    const seen = new Set<string>();
    for (const source of sources) {
      const converted = this.convert(source, use ?? this.spanOf(this.src.range(source)), depth);
      if (converted.kind !== 'map') {
        this.diagnostics.push({ ruleId: 'yaml-syntax', severity: 'error', message: MERGE_NEEDS_MAP, span: converted.span });
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
