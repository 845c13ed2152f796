import { CST, Document, isScalar, type ScalarTag } from 'yaml';
import type { NodeSource } from './yaml';

/**
 * The fast path of parseYaml: a document read straight from the parser's tokens (CST), without the
 * library's Composer and its Documents. `checkDocument` accepts a document only when the Composer
 * (yaml 2.9, merge on, uniqueKeys off, strict) would compose it without any error or warning other
 * than the "Unresolved tag" warning for `!reset` / `!override`; anything else goes through the
 * Composer, which also words the errors. What each Composer `onError` becomes here
 * (node_modules/yaml/dist/compose/*.js):
 * - composer.js: directives (BAD_DIRECTIVE, MISSING_CHAR), error tokens, doc-end tokens and unknown
 *   stream tokens: `streamIsPlain` refuses the whole file;
 * - compose-doc.js: a block collection on the `---` line (MISSING_CHAR), bad tokens after the document
 *   (resolveEnd UNEXPECTED_TOKEN): refused; an empty document is refused too;
 * - resolve-props.js: tabs (TAB_AS_INDENT: any tab in white space is refused), comments without space
 *   before (MISSING_CHAR), two anchors or tags (MULTIPLE_*), anchors ending in ":" (BAD_ALIAS warning),
 *   props before an indicator (BAD_PROP_ORDER), a repeated indicator or comma, unknown tokens
 *   (UNEXPECTED_TOKEN), props not followed by space (MISSING_CHAR): `props` refuses each;
 * - compose-node.js: props on an alias (ALIAS_PROPS), empty anchor or alias, alias ending in ":"
 *   (BAD_ALIAS), unknown node tokens (UNEXPECTED_TOKEN), stack overflow (RESOURCE_EXHAUSTION: the
 *   nesting bound runs first); stringKeys is off (NON_STRING_KEY cannot fire);
 * - compose-scalar.js: any tag but `!reset` / `!override` (TAG_RESOLVE_FAILED) is refused; tag
 *   `resolve` errors cannot fire for the core schema's tests; compat is off;
 * - compose-collection.js: props on a block sequence without a newline after them (MISSING_CHAR);
 *   unknown collection tags are refused like scalar ones (BAD_COLLECTION_TYPE, TAG_RESOLVE_FAILED);
 * - resolve-block-map.js: explicit keys (`?`), block sequences as keys (BLOCK_AS_IMPLICIT_KEY), keys
 *   out of column (BAD_INDENT), multi-line implicit keys (MULTILINE_IMPLICIT_KEY), a key without
 *   value (MISSING_CHAR), a compact nested mapping (BLOCK_AS_IMPLICIT_KEY), keys over 1024
 *   characters (KEY_OVER_1024_CHARS), a comment-only item before content (IMPOSSIBLE); DUPLICATE_KEY
 *   cannot fire (uniqueKeys off); keys that are not plain or quoted scalars or aliases are refused too;
 * - resolve-block-seq.js: an item without "-" (BAD_INDENT, MISSING_CHAR);
 * - resolve-flow-collection.js: a stray, missing or leading comma, an empty item but the last one
 *   (UNEXPECTED_TOKEN, MISSING_CHAR), pairs in a flow sequence and explicit keys (refused whatever
 *   their form), a key without ":" (MISSING_CHAR), block collections inside (BLOCK_IN_FLOW), a
 *   missing closing bracket (MISSING_CHAR, BAD_INDENT), bad tokens after it (resolveEnd); a flow
 *   item's props are checked against its key (resolveProps `next`), so `[!reset"x"]` is no error;
 * - resolve-flow-scalar.js, resolve-block-scalar.js: read through `CST.resolveAsScalar`; a document
 *   is refused when its onError fires (a block scalar at the document's root, where the library's
 *   context differs, is refused); util-flow-indent-check.js runs only with compat, which is off.
 */

/** A construct the fast path leaves to the Composer. */
class Unhandled extends Error {}

const COMPOSE_TAG_SOURCES = new Set(['!reset', '!override']);

interface Props {
  found: CST.SourceToken | null;
  anchor: CST.SourceToken | null;
  tag: CST.SourceToken | null;
  comma: CST.SourceToken | null;
  hasNewline: boolean;
  newlineAfterProp: CST.SourceToken | null;
  comment: boolean;
  /** offset after the last token, or `offset` when there are none */
  end: number;
  /** offset of the first anchor or tag, else `end` */
  start: number;
}

/**
 * The properties in front of a node (anchor, tag, indicator), as the library's resolveProps reads
 * them; throws Unhandled wherever resolveProps would call onError, and at any tab.
 */
function props(tokens: readonly CST.SourceToken[], indicator: string, flow: boolean, next: CST.Token | null | undefined, offset: number, startOnNewline: boolean): Props {
  let hasSpace = startOnNewline;
  let hasNewline = false;
  let reqSpace = false;
  let comment = false;
  let anchor: CST.SourceToken | null = null;
  let tag: CST.SourceToken | null = null;
  let newlineAfterProp: CST.SourceToken | null = null;
  let comma: CST.SourceToken | null = null;
  let found: CST.SourceToken | null = null;
  let start: number | undefined;
  for (const token of tokens) {
    if (reqSpace && token.type !== 'space' && token.type !== 'newline' && token.type !== 'comma') throw new Unhandled();
    reqSpace = false;
    switch (token.type) {
      case 'space':
        if (token.source.includes('\t')) throw new Unhandled();
        hasSpace = true;
        break;
      case 'comment':
        if (!hasSpace) throw new Unhandled();
        comment = true;
        break;
      case 'newline':
        hasNewline = true;
        if (anchor || tag) newlineAfterProp = token;
        hasSpace = true;
        break;
      case 'anchor':
        if (anchor || token.source.length < 2 || token.source.endsWith(':')) throw new Unhandled();
        anchor = token;
        start ??= token.offset;
        hasSpace = false;
        reqSpace = true;
        break;
      case 'tag':
        if (tag || !COMPOSE_TAG_SOURCES.has(token.source)) throw new Unhandled();
        tag = token;
        start ??= token.offset;
        hasSpace = false;
        reqSpace = true;
        break;
      case indicator:
        if (anchor || tag || found) throw new Unhandled();
        found = token;
        hasSpace = false;
        break;
      case 'comma':
        if (!flow || comma) throw new Unhandled();
        comma = token;
        hasSpace = false;
        break;
      default:
        throw new Unhandled();
    }
  }
  const last = tokens[tokens.length - 1];
  const end = last ? last.offset + last.source.length : offset;
  if (reqSpace && next && next.type !== 'space' && next.type !== 'newline' && next.type !== 'comma' && (next.type !== 'scalar' || next.source !== '')) throw new Unhandled();
  return { found, anchor, tag, comma, hasNewline, newlineAfterProp, comment, end, start: start ?? end };
}

/** The end of a node with the white space and comments after it (the library's resolveEnd); throws Unhandled at anything else. */
function afterEnd(end: readonly CST.SourceToken[] | undefined, offset: number, reqSpace: boolean): number {
  let hasSpace = false;
  for (const token of end ?? []) {
    if (token.type === 'space') {
      if (token.source.includes('\t')) throw new Unhandled();
      hasSpace = true;
    } else if (token.type === 'newline') hasSpace = true;
    else if (token.type !== 'comment' || (reqSpace && !hasSpace)) throw new Unhandled();
    offset += token.source.length;
  }
  return offset;
}

/** Where the library places an empty scalar after `before` (its emptyScalarPosition): after the last content token and the spaces that follow it. */
function emptyPosition(offset: number, before: readonly CST.SourceToken[] | undefined): number {
  if (!before) return offset;
  for (let i = before.length - 1; i >= 0; --i) {
    const type = before[i].type;
    if (type === 'space' || type === 'comment' || type === 'newline') {
      offset -= before[i].source.length;
      continue;
    }
    for (let j = i + 1; before[j]?.type === 'space'; j++) offset += before[j].source.length;
    break;
  }
  return offset;
}

/** An empty scalar's range end as the library's composeEmptyNode sets it (after the comments in its props). */
function emptyEnd(offset: number, before: readonly CST.SourceToken[] | undefined, p: Props): number {
  return p.comment ? p.end : emptyPosition(offset, before);
}

/** A one-line key that is a plain or quoted scalar or an alias (the only keys the fast path reads). */
function simpleKey(key: CST.Token | null | undefined): key is CST.FlowScalar {
  if (!key || (key.type !== 'scalar' && key.type !== 'single-quoted-scalar' && key.type !== 'double-quoted-scalar' && key.type !== 'alias')) return false;
  return !key.source.includes('\n') && !(key.end ?? []).some((t) => t.type === 'newline');
}

/** Deeper documents are left to the Composer path, which reports them (parseYaml checks MAX_NESTING_DEPTH first). */
const MAX_CHECK_DEPTH = 200;

const failScalar = (): never => {
  throw new Unhandled();
};

/** What a checked document tells the conversion: each block collection's value end, and the collections aliases may walk again. */
export interface CheckedDocument {
  token: CST.Document;
  /** block-map / block-seq token -> range[1] the Composer would give it */
  valueEnds: Map<CST.Token, number>;
  /** collections inside an anchored node: conversion must leave their items in place */
  keep: Set<CST.Token>;
}

/**
 * Checks that `doc` is made only of what the fast path reads exactly (see the list above) and
 * measures its block collections; undefined when the document must go through the Composer.
 */
export function checkDocument(doc: CST.Document): CheckedDocument | undefined {
  const valueEnds = new Map<CST.Token, number>();
  const keep = new Set<CST.Token>();
  let depth = 0;
  /** returns the node's range[2] (its end with the comments and space after it) */
  const node = (token: CST.Token, p: Props, inAnchor: boolean): number => {
    const anchored = inAnchor || p.anchor !== null;
    if (depth > MAX_CHECK_DEPTH) throw new Unhandled();
    depth++;
    try {
      return nodeEnd(token, p, anchored);
    } finally {
      depth--;
    }
  };
  const nodeEnd = (token: CST.Token, p: Props, anchored: boolean): number => {
    switch (token.type) {
      case 'alias':
        if (p.anchor || p.tag || token.source.length < 2 || token.source.endsWith(':')) throw new Unhandled();
        return afterEnd(token.end, token.offset + token.source.length, true);
      case 'scalar':
      case 'single-quoted-scalar':
      case 'double-quoted-scalar':
      case 'block-scalar': {
        const res = CST.resolveAsScalar(token, true, failScalar)!;
        // the core schema's tags report no errors, but a throw in conversion could not fall back
        if (token.type === 'scalar' && !p.tag) plainValue(res.value, false);
        return res.range[2];
      }
      case 'block-map':
        if (anchored) keep.add(token);
        return blockMap(token, anchored);
      case 'block-seq': {
        if (anchored) keep.add(token);
        const last = p.anchor && p.tag ? (p.anchor.offset > p.tag.offset ? p.anchor : p.tag) : (p.anchor ?? p.tag);
        if (last && (!p.newlineAfterProp || p.newlineAfterProp.offset < last.offset)) throw new Unhandled();
        return blockSeq(token, anchored);
      }
      case 'flow-collection':
        if (anchored) keep.add(token);
        return flow(token, anchored);
      default:
        throw new Unhandled();
    }
  };
  const blockMap = (bm: CST.BlockMap, inAnchor: boolean): number => {
    let offset = bm.offset;
    let commentEnd: number | null = null;
    for (const { start, key, sep, value } of bm.items) {
      const kp = props(start, 'explicit-key-ind', false, key ?? sep?.[0], offset, true);
      if (kp.found) throw new Unhandled();
      if (!kp.anchor && !kp.tag && !sep && !key) {
        commentEnd = kp.end;
        continue;
      }
      if (!sep || !simpleKey(key) || key.indent !== bm.indent || kp.newlineAfterProp) throw new Unhandled();
      const keyEnd = node(key, kp, inAnchor);
      const vp = props(sep, 'map-value-ind', false, value, keyEnd, false);
      if (!vp.found || (value?.type === 'block-map' && !vp.hasNewline) || kp.start < vp.found.offset - 1024) throw new Unhandled();
      offset = value ? node(value, vp, inAnchor) : emptyEnd(vp.end, sep, vp);
    }
    if (commentEnd !== null && commentEnd < offset) throw new Unhandled();
    valueEnds.set(bm, offset);
    return commentEnd ?? offset;
  };
  const blockSeq = (bs: CST.BlockSequence, inAnchor: boolean): number => {
    let offset = bs.offset;
    let commentEnd: number | null = null;
    for (const { start, value } of bs.items) {
      const p = props(start, 'seq-item-ind', false, value, offset, true);
      if (!p.found) {
        if (p.anchor || p.tag || value) throw new Unhandled();
        commentEnd = p.end;
        continue;
      }
      offset = value ? node(value, p, inAnchor) : emptyEnd(p.end, start, p);
    }
    valueEnds.set(bs, offset);
    return commentEnd ?? offset;
  };
  const flow = (fc: CST.FlowCollection, inAnchor: boolean): number => {
    const isMap = fc.start.source === '{';
    if (!isMap && fc.start.source !== '[') throw new Unhandled();
    let offset = fc.offset + fc.start.source.length;
    for (let i = 0; i < fc.items.length; i++) {
      const { start, key, sep, value } = fc.items[i];
      const p = props(start, 'explicit-key-ind', true, key ?? sep?.[0], offset, false);
      if (p.found) throw new Unhandled();
      if (!p.anchor && !p.tag && !sep && !value) {
        // only white space and comments: the closing bracket's item (`[1, ]`, `[ ]`, `{\n}`), not a leading comma
        if ((i === 0 && p.comma) || i < fc.items.length - 1 || key) throw new Unhandled();
        offset = p.end;
        continue;
      }
      if (i === 0 ? p.comma : !p.comma) throw new Unhandled();
      if (!isMap) {
        if (sep || key || !value || value.type === 'block-map' || value.type === 'block-seq') throw new Unhandled();
        offset = node(value, p, inAnchor);
        continue;
      }
      if (!sep || !simpleKey(key)) throw new Unhandled();
      const keyEnd = node(key, p, inAnchor);
      const vp = props(sep, 'map-value-ind', true, value, keyEnd, false);
      if (!vp.found || value?.type === 'block-map' || value?.type === 'block-seq') throw new Unhandled();
      offset = value ? node(value, vp, inAnchor) : emptyEnd(vp.end, sep, vp);
    }
    const [close, ...after] = fc.end;
    if (close?.source !== (isMap ? '}' : ']')) throw new Unhandled();
    return afterEnd(after, close.offset + 1, true);
  };
  try {
    const p = props(doc.start, 'doc-start', false, doc.value ?? doc.end?.[0], doc.offset, true);
    const value = doc.value;
    if (!value || value.type === 'block-scalar' || (p.found && (value.type === 'block-map' || value.type === 'block-seq') && !p.hasNewline)) return undefined;
    afterEnd(doc.end, node(value, p, false), false);
  } catch (error) {
    if (error instanceof Unhandled) return undefined;
    throw error;
  }
  return { token: doc, valueEnds, keep };
}

/**
 * True when the stream holds only documents, comments and white space: no directives, `...` markers
 * or error tokens, which the Composer handles across documents.
 */
export function streamIsPlain(tokens: readonly CST.Token[]): boolean {
  return tokens.every((t) => t.type === 'document' || t.type === 'comment' || t.type === 'newline' || t.type === 'space' || t.type === 'byte-order-mark');
}

/** A node of a checked document: the token (null for an empty scalar) with its props and what the Converter asks of it. */
export interface CstNode {
  kind: 'scalar' | 'seq' | 'map' | 'alias';
  token: CST.Token | null;
  range: readonly number[];
  anchor?: string;
  tag?: string;
  value?: unknown;
}

let core: { tags: Document['schema']['tags']; options: Document['options'] } | undefined;

/**
 * A plain scalar's value as the library's composeScalar gives it without a tag (findScalarTagByTest):
 * the first YAML 1.2 core schema tag whose `test` matches (the merge tag only for keys), resolved by
 * that tag, else the string itself.
 */
function plainValue(source: string, atKey: boolean): unknown {
  if (!core) {
    const doc = new Document(undefined, { merge: true, version: '1.2' });
    core = { tags: doc.schema.tags, options: doc.options };
  }
  const tag = core.tags.find((t) => (t.default === true || (atKey && t.default === 'key')) && 'test' in t && t.test?.test(source)) as ScalarTag | undefined;
  if (!tag) return source;
  const resolved: unknown = tag.resolve(source, failScalar, core.options);
  return isScalar(resolved) ? resolved.value : resolved;
}

/**
 * The nodes of a document that checkDocument accepted, as a NodeSource; each collection not under an anchor
 * drops its items as they are read, and each one under an anchor is one node however often it is read.
 */
export function cstSource(checked: CheckedDocument): NodeSource<CstNode> & { root(): CstNode } {
  // the Converter tells nodes apart by identity (anchors, recursion): a collection an alias may walk again is the
  // same node each time, as the Composer's is
  const kept = new Map<CST.Token, CstNode>();
  const wrap = (token: CST.Token, p: Props, atKey: boolean): CstNode => {
    const again = kept.get(token);
    if (again) return again;
    const anchor = p.anchor ? p.anchor.source.substring(1) : undefined;
    const tag = p.tag?.source;
    let node: CstNode;
    switch (token.type) {
      case 'alias':
        node = { kind: 'alias', token, range: [token.offset, token.offset + token.source.length] };
        break;
      case 'block-map':
      case 'block-seq': {
        node = { kind: token.type === 'block-map' ? 'map' : 'seq', token, range: [token.offset, checked.valueEnds.get(token)!] };
        // read once unless an alias may walk it again: the map must not keep the released tokens alive
        if (!checked.keep.has(token)) checked.valueEnds.delete(token);
        break;
      }
      case 'flow-collection': {
        const close = token.end[0];
        node = { kind: token.start.source === '{' ? 'map' : 'seq', token, range: [token.offset, close.offset + close.source.length] };
        break;
      }
      default: {
        const res = CST.resolveAsScalar(token, true, failScalar)!;
        const value = tag || token.type !== 'scalar' ? res.value : plainValue(res.value, atKey);
        node = { kind: 'scalar', token, range: [res.range[0], res.range[1]], value };
      }
    }
    if (anchor) node.anchor = anchor;
    if (tag) node.tag = tag;
    if (checked.keep.has(token)) kept.set(token, node);
    return node;
  };
  const empty = (at: number, p: Props): CstNode => {
    const node: CstNode = { kind: 'scalar', token: null, range: [at, at], value: p.tag ? '' : null };
    if (p.anchor) node.anchor = p.anchor.source.substring(1);
    if (p.tag) node.tag = p.tag.source;
    return node;
  };
  const release = (token: CST.Token, items: unknown[], i: number): void => {
    if (!checked.keep.has(token)) items[i] = undefined;
  };
  return {
    root() {
      const doc = checked.token;
      const p = props(doc.start, 'doc-start', false, doc.value, doc.offset, true);
      return wrap(doc.value!, p, false);
    },
    kind: (node) => node.kind,
    range: (node) => node.range,
    anchor: (node) => node.anchor,
    tag: (node) => node.tag,
    value: (node) => node.value,
    aliasName: (node) => (node.token as CST.FlowScalar).source.substring(1),
    *items(node) {
      const token = node.token as CST.BlockSequence | CST.FlowCollection;
      const flow = token.type === 'flow-collection';
      for (let i = 0; i < token.items.length; i++) {
        const { start, value } = token.items[i];
        // the offset only stands in for missing props, which an item here always has, or has no node; a flow item's
        // props are checked against its key, as resolveFlowCollection does (`[!reset"x"]` is no error there)
        const p = props(start, flow ? 'explicit-key-ind' : 'seq-item-ind', flow, flow ? undefined : value, token.offset, !flow);
        if (!value && (flow || !p.found)) continue;
        const item = value ? wrap(value, p, false) : empty(emptyPosition(p.end, start), p);
        yield item;
        release(token, token.items, i);
      }
    },
    *pairs(node) {
      const token = node.token as CST.BlockMap | CST.FlowCollection;
      const flow = token.type === 'flow-collection';
      for (let i = 0; i < token.items.length; i++) {
        const { start, key, sep, value } = token.items[i];
        if (!key) continue;
        const kp = props(start, 'explicit-key-ind', flow, key, token.offset, !flow);
        const vp = props(sep!, 'map-value-ind', flow, value, key.offset, false);
        yield [wrap(key, kp, true), value ? wrap(value, vp, false) : empty(emptyPosition(vp.end, sep), vp)] as const;
        release(token, token.items, i);
      }
    },
  };
}
