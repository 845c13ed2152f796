// Random YAML from a small grammar, for the differential test of the loader's two paths (cst-tree.test.ts): block
// and flow collections at several indents, every scalar style, anchors, aliases, merge keys, Compose's tags, comments,
// CRLF, a BOM, several documents; and the same text with a few characters inserted or dropped, so that almost-valid
// input is covered too. A case is a pure function of its seed.
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { mersenne } from 'pure-rand/generator/mersenne';

/** Draws from a seeded Mersenne twister. */
class Draw {
  private readonly rng;
  constructor(seed: number) {
    this.rng = mersenne(seed);
  }
  /** an integer in [0, n) */
  int(n: number): number {
    return uniformInt(this.rng, 0, n - 1);
  }
  /** true with probability `p` (in thousandths) */
  chance(p: number): boolean {
    return this.int(1000) < p * 1000;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
}

const PLAIN = [
  'a',
  'x y',
  '1',
  '0x1F',
  '0o17',
  '1e3',
  '+1',
  '1_000',
  '-.Inf',
  '.nan',
  '~',
  'null',
  'Null',
  'yes',
  'on',
  'true',
  'False',
  '2001-12-14',
  'http://h:80/p',
  'a:b',
  'a#b',
  '-1',
  '8080:80',
  "it's",
  '.5',
  '1.',
  '-0',
  '<<',
  'é',
  '$VAR',
  '${X:-y}',
  'a  b',
];
const QUOTED = ['"a"', "'b'", '"x\\ty"', '"\\u00e9\\x41"', "'it''s'", '""', "''", '"a: b"', '"#"', '"\\\\"', '"1"', '"<<"', "'<<'"];
const KEYS = ['a', 'b', 'image', 'ports', 'x y', 'k:v', '"q k"', "'s k'", '1', 'true', 'null', '~', '<<', '"<<"', 'é', 'a-b', '.inf'];
const BLOCK_HEADERS = ['|', '>', '|-', '>-', '|+', '>+', '|2', '>1-', '|-1'];
const BLOCK_LINES = ['x', 'y z', '# not', '- a', 'k: v', '\tt', ' '];

/**
 * One YAML text for `seed`. Six cases in ten are "clean" (no tabs, no unknown tags, comments after a space,
 * commas where they belong), so that most of their documents are valid; the others may break anywhere.
 */
export function generateYaml(seed: number): string {
  const d = new Draw(seed);
  const clean = d.chance(0.6);
  const anchors: string[] = [];
  const comment = (): string => (d.chance(0.15) ? d.pick(clean ? [' # c', '  #', ' #x'] : [' # c', '  #', ' #x', '\t# t', '#n']) : '');
  const nl = (): string => d.pick(['\n', '\n', '\n', '\n', '\n\n', '\n# z\n', '\n  \n', '\n#c\n', ' \n', ...(clean ? [] : ['\r\n'])]);
  const props = (): string => {
    let p = '';
    if (d.chance(0.12)) {
      const name = `n${d.int(4)}`;
      anchors.push(name);
      p += `&${name} `;
    }
    if (d.chance(0.08)) p += d.pick(clean ? ['!reset ', '!override '] : ['!reset ', '!override ', '!!str ', '!x ', '!reset']);
    return p;
  };
  const scalar = (): string => {
    const k = d.int(100);
    if (k < 55) return d.pick(PLAIN);
    if (k < 85) return d.pick(QUOTED);
    if (k < 93 && anchors.length > 0) return `*${d.pick(anchors)}`;
    return '';
  };
  const flow = (depth: number): string => {
    const isMap = d.chance(0.5);
    const items: string[] = [];
    for (let i = d.int(4); i > 0; i--) {
      const value = depth < 3 && d.chance(0.2) ? flow(depth + 1) : props() + scalar();
      if (isMap) items.push(clean || d.chance(0.9) ? d.pick(KEYS) + d.pick([': ', ' : ', ':\n  ', ...(clean ? [] : [':'])]) + value : d.pick(KEYS));
      else items.push(!clean && d.chance(0.05) ? `${d.pick(KEYS)}: ${value}` : value);
    }
    let body = items.join(d.pick([', ', ',\n  ', ', # c\n  ', ...(clean ? [] : [',', ' ,', ', # c\n '])]));
    if (items.length > 0 && d.chance(0.1)) body += ',';
    return (isMap ? '{' : '[') + d.pick(['', ' ', '\n  ']) + body + d.pick(['', ' ', '\n']) + (isMap ? '}' : ']');
  };
  const blockScalar = (indent: number): string => {
    let out = d.pick(BLOCK_HEADERS) + comment();
    for (let i = d.int(4); i > 0; i--) out += '\n' + (d.chance(0.15) ? '' : ' '.repeat(indent + 2) + (d.chance(0.2) ? '  ' : '') + d.pick(BLOCK_LINES));
    if (d.chance(0.3)) out += `\n${' '.repeat(Math.max(0, indent - 1))}# less`;
    return out;
  };
  // the text after "key:" or "-", without a final newline
  const value = (indent: number, depth: number): string => {
    const k = d.int(100);
    const p = props();
    if (depth < 5 && k < 25) return ` ${p}${comment()}${nl()}${blockMap(indent + d.pick([1, 2, 2, 4]), depth + 1)}`;
    if (depth < 5 && k < 40) return ` ${p}${comment()}${nl()}${blockSeq(indent + d.pick([0, 2, 2, 3]), depth + 1)}`;
    if (k < 50) return ` ${p}${flow(0)}`;
    if (k < 57) return ` ${p}${blockScalar(indent)}`;
    const pad = ' '.repeat(indent + 1);
    if (k < 62) return ` ${p}${d.pick([`x\n${pad}y`, `"x\n${pad}y\\\n  z"`, "'a\n\n b'"])}`;
    if (k < 70) return p.trimEnd() + comment();
    return ` ${p}${scalar()}${comment()}`;
  };
  const blockMap = (indent: number, depth: number): string => {
    const lines: string[] = [];
    for (let i = 1 + d.int(4); i > 0; i--) {
      const keyProps = d.chance(0.05) ? props() : '';
      const key = d.chance(0.03) && anchors.length > 0 ? `*${d.pick(anchors)} ` : d.pick(KEYS);
      lines.push(' '.repeat(indent) + keyProps + key + d.pick([':', ':', ':', ' :']) + value(indent, depth));
    }
    return lines.join(nl());
  };
  const blockSeq = (indent: number, depth: number): string => {
    const lines: string[] = [];
    for (let i = 1 + d.int(4); i > 0; i--) {
      // a compact map or sequence on the "-" line
      if (depth < 5 && d.chance(0.15)) lines.push(`${' '.repeat(indent)}- ${blockMap(indent + 2, depth + 1).slice(indent + 2)}`);
      else if (depth < 5 && d.chance(0.08)) lines.push(`${' '.repeat(indent)}- ${blockSeq(indent + 2, depth + 1).slice(indent + 2)}`);
      else lines.push(`${' '.repeat(indent)}-${value(indent, depth)}`);
    }
    return lines.join(nl());
  };
  const docs: string[] = [];
  for (let i = d.chance(0.2) ? 2 + d.int(2) : 1; i > 0; i--) {
    const k = d.int(10);
    const body = k < 6 ? blockMap(d.chance(0.1) ? 2 : 0, 0) : k < 8 ? blockSeq(0, 0) : k < 9 ? flow(0) : d.pick(['x', '"q"', '|\n  b', '']);
    const marker = docs.length > 0 || d.chance(0.1) ? d.pick(['---\n', '--- ', '---\n# c\n', '--- !reset\n', '--- &d\n']) : '';
    docs.push(marker + body + (d.chance(0.05) ? '\n...' : ''));
  }
  const text = (d.chance(0.05) ? '\ufeff' : '') + docs.join('\n') + (d.chance(0.85) ? '\n' : '');
  return d.chance(0.1) ? text.replace(/\n/g, '\r\n') : text;
}

const ANCHOR_NAMES = ['A', 'B', 'C'];
const ANCHOR_KEYS = ['p', 'q', 'r', 's'];
const ANCHOR_SCALARS = ['1', 'x', '~', '<<'];

/**
 * A mapping of four keys whose values nest block and flow collections, with three anchor names used again and
 * again, aliases to any anchor written before (also to the collection they sit in) and merge keys everywhere:
 * what the Converter's anchor table, recursion marks and merges must agree on between the two paths. With
 * `valid`, aliases name only anchors whose node is complete and merge keys take a mapping or an alias to one,
 * so that the file is valid YAML that Compose would read.
 */
export function generateAnchoredYaml(seed: number, valid = false): string {
  const d = new Draw(seed);
  /** anchor names an alias may use, and those of them on mappings */
  const written: string[] = [];
  const maps = new Set<string>();
  /** with `valid`: names whose latest anchor is on a node still being written (an alias there would be recursive) */
  const open = new Set<string>();
  const alias = (): string | undefined => {
    const names = written.filter((name) => !open.has(name));
    return names.length > 0 && d.chance(0.5) ? `*${d.pick(names)}` : undefined;
  };
  const named = (name: string, isMap: boolean): void => {
    open.delete(name);
    written.push(name);
    if (isMap) maps.add(name);
    else maps.delete(name);
  };
  const mergeValue = (): string => {
    const sources = [...maps].filter((name) => !open.has(name));
    if (sources.length > 0 && d.chance(0.6)) return d.chance(0.7) ? `*${d.pick(sources)}` : `[*${d.pick(sources)}, {s: x}]`;
    return `{${d.pick(ANCHOR_KEYS)}: ${d.pick(ANCHOR_SCALARS.filter((v) => v !== '<<'))}}`;
  };
  const node = (indent: number, depth: number, inFlow: boolean): string => {
    const k = d.int(100);
    let name = d.chance(0.4) ? d.pick(ANCHOR_NAMES) : undefined;
    // with `valid`, a name is not anchored again inside its own node: the outer node would not be the latest one
    if (name && open.has(name)) name = undefined;
    const anchor = name ? `&${name} ` : '';
    if (depth > 3 || k < 25) {
      const a = alias();
      if (a) return a;
      if (name) named(name, false);
      return anchor + d.pick(ANCHOR_SCALARS);
    }
    const isMap = k < 65;
    if (name && !valid) named(name, isMap);
    if (name && valid) open.add(name);
    // keys differ within one map, so that most files are valid (duplicate keys are other tests' matter)
    const keys = ANCHOR_KEYS.filter(() => d.chance(0.7));
    if (d.chance(0.4)) keys.splice(d.int(keys.length + 1), 0, '<<');
    if (keys.length === 0) keys.push('p');
    const key = (): string => keys.shift()!;
    const count = isMap ? Math.min(1 + d.int(3), keys.length) : 1 + d.int(3);
    const item = (inner: () => string): string => {
      if (!isMap) return inner();
      const k = key();
      return `${k}:${k === '<<' && valid ? ` ${mergeValue()}` : inner()}`;
    };
    let text: string;
    if (inFlow || d.chance(0.35)) {
      const items = Array.from({ length: count }, () => item(() => ` ${node(0, depth + 1, true)}`).replace(/^ /, ''));
      text = anchor + (isMap ? `{${items.join(', ')}}` : `[${items.join(', ')}]`);
    } else {
      const pad = ' '.repeat(indent + 2);
      const items = Array.from({ length: count }, () => `${pad}${isMap ? '' : '-'}${item(() => value(indent + 2, depth))}`);
      text = `${anchor.trimEnd()}\n${items.join('\n')}`;
    }
    if (name && valid) named(name, isMap);
    return text;
  };
  const value = (indent: number, depth: number): string => {
    const text = node(indent, depth + 1, false);
    return text.startsWith('\n') ? text : ` ${text}`;
  };
  return `${Array.from({ length: 4 }, (_, i) => `k${i}:${value(0, 0)}`).join('\n')}\n`;
}

const INSERTS = [' ', '  ', '\t', '\n', '\r\n', '#', ':', '-', ',', '[', ']', '{', '}', '"', "'", '&a', '*a', '!reset', '?', '|', '>', '...', '---', '\\', '%', '@', '`'];
const LINE_STARTS = [' ', '  ', '\t', '#', '- ', ''];

/** `text` with one to three random edits for `seed`: a character or indicator inserted, a few characters dropped, or a line's start changed. */
export function mutateYaml(text: string, seed: number): string {
  const d = new Draw(seed);
  for (let i = 1 + d.int(3); i > 0; i--) {
    const at = d.int(text.length + 1);
    const k = d.int(10);
    if (k < 4) text = text.slice(0, at) + d.pick(INSERTS) + text.slice(at);
    else if (k < 7) text = text.slice(0, at) + text.slice(at + 1 + d.int(3));
    else {
      const line = text.lastIndexOf('\n', at - 1) + 1;
      text = text.slice(0, line) + d.pick(LINE_STARTS) + text.slice(line);
    }
  }
  return text;
}
