import type { Span } from './span';
import { PathTable } from './paths';
import { toPlain, type Entry, type MapNode, type Node, type ScalarNode, type SeqNode } from './tree';
import { formatPortRange, parseShortPort, parseVolume, type ShortPort } from '../syntax/compose';

/**
 * Merging of Compose files on the located tree, following compose-go v2 as on its main branch
 * (`override/merge.go` with appendWithoutDuplicates and mergeKeyValueSequence, `override/uncity.go`,
 * `loader/reset.go`, `override/extends.go`):
 *
 * 1. the override's `!reset` entries are dropped from it and their paths, with those of
 *    `!override` values, are deleted from the base (compose-go's ResetProcessor);
 * 2. the trees are merged: mappings recursively, sequences appended without entries identical to
 *    one already there, scalars overridden, with the special rules of the `mergeSpecials` table;
 * 3. sequences at the paths of compose-go's `unique` table are de-duplicated by their index key,
 *    the last entry taking the place of the first (EnforceUnicity).
 *
 * Positions: every node keeps the span it was parsed with, so a value from the override keeps the
 * override file's span and an untouched base value keeps the base file's. A container built from
 * both (a merged mapping or sequence) takes the override's span, and a merged entry the override's
 * key span: the later definition is the one to blame. Nodes made by converting one form into
 * another (a list item turned into a map entry, a map entry into a `K=V` item, a `build` string
 * into `{context}`) take the span of the text they were made from.
 *
 * Inputs are never mutated; the result shares no node with them (spans are shared, read-only).
 */

type Path = readonly string[];
type Merger = (base: Node, over: Node, path: Path) => Node;
type Indexer = (item: Node) => string;

/** merges an override Compose file's tree onto the base, as `docker compose -f base -f override` does */
export function mergeFiles(base: MapNode, override: MapNode): MapNode {
  return mergeRoot(base, override, []);
}

/** merges a service definition onto a base service (used by `extends`): same rules as services.* in mergeFiles */
export function mergeService(base: MapNode, override: MapNode): MapNode {
  // compose-go's ExtendService merges at path `services.x`; removing `extends` is left to the caller
  return mergeRoot(base, override, SERVICE_PATH);
}

/**
 * Removes `!reset` values (the key disappears) and strips tags, for a file that is merged onto
 * nothing. The exception to "inputs are never mutated": the loader owns the tree it passes, so a
 * tree without tags is not copied.
 */
export function applyResets(root: MapNode): MapNode {
  // compose-go runs EnforceUnicity on a lone file too, so duplicates collapse here as after a merge
  const result = hasTags(root) ? (consumeTags(root, [], []) as MapNode) : root;
  enforceUnicity(result, []);
  return result;
}

function hasTags(node: Node): boolean {
  if (node.tag) return true;
  if (node.kind === 'seq') return node.items.some(hasTags);
  if (node.kind === 'map') for (const e of node.entries.values()) if (hasTags(e.value)) return true;
  return false;
}

const SERVICE_PATH: Path = ['services', 'x'];

function mergeRoot(base: MapNode, override: MapNode, path: Path): MapNode {
  const resetPaths: string[][] = [];
  const over = consumeTags(override, [], resetPaths) as MapNode;
  // the base was a file of its own once: its `!reset` entries are gone and its tags mean nothing more
  const start = consumeTags(base, [], []) as MapNode;
  removePaths(start, new Set(resetPaths.map(pathKey)), []);
  const merged = mergeMappings(start, over, path);
  enforceUnicity(merged, path);
  return merged;
}

// ---------------------------------------------------------------------------------------------
// !reset and !override (loader/reset.go)

/**
 * A copy of `node` without tags and without the `!reset` entries of its mappings. Paths of
 * `!reset` and `!override` values are collected in `found`. As in compose-go, a tagged value is
 * not looked into, and tags under a sequence item record nothing (compose-go records a path there
 * that can never match).
 */
function consumeTags(node: Node, path: Path | undefined, found: string[][]): Node {
  switch (node.kind) {
    case 'scalar':
      return copyScalar(node);
    case 'seq':
      return seq(
        node,
        node.items.map((item) => (item.tag ? clone(item) : consumeTags(item, undefined, found))),
      );
    case 'map': {
      const entries: Entry[] = [];
      for (const e of node.entries.values()) {
        const at = path ? [...path, e.key] : undefined;
        if (e.value.tag === '!reset') {
          if (at) found.push(at);
          continue;
        }
        if (e.value.tag === '!override') {
          if (at) found.push(at);
          entries.push(withValue(e, clone(e.value)));
          continue;
        }
        entries.push(withValue(e, consumeTags(e.value, at, found)));
      }
      return map(node, entries);
    }
  }
}

/** Deletes, in place, the mapping entries at the given paths (ResetProcessor.Apply). */
function removePaths(node: Node, paths: ReadonlySet<string>, path: Path): void {
  if (paths.size === 0 || node.kind !== 'map') return;
  for (const [key, e] of [...node.entries]) {
    const at = [...path, key];
    if (paths.has(pathKey(at))) node.entries.delete(key);
    else removePaths(e.value, paths, at);
  }
}

function pathKey(path: Path): string {
  return path.join('\u0000');
}

// ---------------------------------------------------------------------------------------------
// merging (override/merge.go)

const SPECIAL_PATHS: [string, Merger][] = [];
function special(pattern: string, merger: Merger): void {
  SPECIAL_PATHS.push([pattern, merger]);
}
special('networks.*.ipam.config', mergeIpamConfig);
special('networks.*.labels', mergeKeyValue);
special('volumes.*.labels', mergeKeyValue);
special('secrets.*.labels', mergeKeyValue);
special('configs.*.labels', mergeKeyValue);
for (const prefix of ['services', 'jobs']) {
  special(`${prefix}.*.annotations`, mergeKeyValue);
  special(`${prefix}.*.build`, mergeBuild);
  special(`${prefix}.*.build.args`, mergeKeyValue);
  special(`${prefix}.*.build.additional_contexts`, mergeKeyValue);
  special(`${prefix}.*.build.extra_hosts`, mergeToSequence);
  special(`${prefix}.*.build.labels`, mergeKeyValue);
  special(`${prefix}.*.command`, override);
  special(`${prefix}.*.depends_on`, mergeDependsOn);
  special(`${prefix}.*.dns`, mergeToSequence);
  special(`${prefix}.*.dns_opt`, mergeToSequence);
  special(`${prefix}.*.dns_search`, mergeToSequence);
  special(`${prefix}.*.entrypoint`, override);
  special(`${prefix}.*.env_file`, mergeToSequence);
  special(`${prefix}.*.label_file`, mergeToSequence);
  special(`${prefix}.*.environment`, mergeKeyValue);
  special(`${prefix}.*.extra_hosts`, mergeToSequence);
  special(`${prefix}.*.healthcheck.test`, override);
  special(`${prefix}.*.labels`, mergeKeyValue);
  special(`${prefix}.*.volumes.*.volume.labels`, mergeKeyValue);
  special(`${prefix}.*.logging`, mergeLogging);
  special(`${prefix}.*.models`, mergeAsMapping);
  special(`${prefix}.*.networks`, mergeAsMapping);
  special(`${prefix}.*.sysctls`, mergeKeyValue);
  special(`${prefix}.*.tmpfs`, mergeToSequence);
  special(`${prefix}.*.ulimits.*`, mergeUlimit);
}
special('services.*.deploy.labels', mergeKeyValue);

const SPECIALS = PathTable.of(SPECIAL_PATHS);

/** mergeYaml. Where compose-go fails ("cannot override"), the override wins; the schema reports the bad type. */
function mergeValue(base: Node, over: Node, path: Path): Node {
  const merger = SPECIALS.at(path)?.value;
  if (merger) return merger(base, over, path);
  if (isNull(over)) return base;
  if (base.kind === 'map' && over.kind === 'map') return mergeMappings(base, over, path);
  if (base.kind === 'seq' && over.kind === 'seq') return seq(over, appendWithoutDuplicates(base.items, over.items));
  return replaced(base, over);
}

/** `over` in place of `base`, remembering where the replaced value was written (for `config --provenance`). */
function replaced(base: Node, over: Node): Node {
  if (isNull(base)) return over;
  return { ...over, overrides: [...(base.overrides ?? []), base.origin ?? base.span] };
}

function mergeMappings(base: MapNode, over: MapNode, path: Path): MapNode {
  const entries = new Map(base.entries);
  for (const e of over.entries.values()) {
    const previous = entries.get(e.key);
    // Map#set keeps the base entry's position: base order first, new keys after
    entries.set(e.key, previous ? withValue(e, mergeValue(previous.value, e.value, [...path, e.key])) : e);
  }
  return { ...meta(over), kind: 'map', entries };
}

/** Override entries deep-equal to one already present are dropped (appendWithoutDuplicates). */
function appendWithoutDuplicates(base: readonly Node[], over: readonly Node[]): Node[] {
  const merged = [...base];
  for (const item of over) {
    const plain = identity(item);
    if (!merged.some((existing) => plainEqual(identity(existing), plain))) merged.push(item);
  }
  return merged;
}

function override(base: Node, over: Node): Node {
  return replaced(base, over);
}

/** Logging options are merged only when both sides name the same driver, or one names none. */
function mergeLogging(base: Node, over: Node, path: Path): Node {
  if (base.kind !== 'map' || over.kind !== 'map') return isNull(over) ? base : over;
  const overDriver = over.entries.get('driver');
  const baseDriver = base.entries.get('driver');
  if (!overDriver || !baseDriver || plainEqual(identity(overDriver.value), identity(baseDriver.value))) {
    return mergeMappings(base, over, path);
  }
  return over;
}

/** `build: ./dir` is `build: {context: ./dir}`. */
function mergeBuild(base: Node, over: Node, path: Path): Node {
  const toBuild = (node: Node): MapNode => {
    if (node.kind === 'map') return node;
    if (isNull(node) || node.kind === 'seq') return map(node, []);
    return map(node, [entryAt(node, 'context', node)]);
  };
  return isNull(over) ? toBuild(base) : mergeMappings(toBuild(base), toBuild(over), path);
}

/** depends_on: a list item is `{condition: service_started, required: true}`. */
function mergeDependsOn(base: Node, over: Node, path: Path): Node {
  const defaults = (item: Node): Node => map(item, [entryAt(item, 'condition', scalarAt(item, 'service_started')), entryAt(item, 'required', scalarAt(item, true))]);
  return isNull(over) ? toMapping(base, defaults) : mergeMappings(toMapping(base, defaults), toMapping(over, defaults), path);
}

/** services.*.networks, services.*.models: the list form is a mapping of null values, merged by key. */
function mergeAsMapping(base: Node, over: Node, path: Path): Node {
  const nothing = (item: Node): Node => scalarAt(item, null);
  return isNull(over) ? toMapping(base, nothing) : mergeMappings(toMapping(base, nothing), toMapping(over, nothing), path);
}

function mergeUlimit(base: Node, over: Node, path: Path): Node {
  return base.kind === 'map' && over.kind === 'map' ? mergeMappings(base, over, path) : over;
}

/**
 * sequences of strings that may be written as one string (dns, env_file, tmpfs, ...) or, for
 * extra_hosts, as a mapping: the result is a sequence, a mapping entry becoming a `K=V` item that
 * spans the entry (mergeToSequence).
 */
function mergeToSequence(base: Node, over: Node): Node {
  return seq(later(base, over), appendWithoutDuplicates(toSequence(base), toSequence(over)));
}

/**
 * KEY=VALUE attributes (environment, labels, sysctls, build.args, ...), which compose-go merges by
 * key (mergeKeyValueSequence): an override entry replaces the base entry of the same key in its
 * place, a null value included; new keys come after. Form of the result: a sequence when both sides
 * are sequences (each item keeps its span), otherwise a mapping, so that map entries keep their
 * separate key and value spans; a `K=V` item becomes an entry whose key and value both span the
 * item. compose-go always yields a sequence; both forms mean the same to Compose.
 */
function mergeKeyValue(base: Node, over: Node): Node {
  const sides = [base, over].filter((node) => !isNull(node));
  if (sides.every((node) => node.kind !== 'map')) {
    return seq(later(base, over), uniqueBy([...toSequence(base), ...toSequence(over)], keyValueIndexer));
  }
  const entries = new Map<string, Entry>();
  for (const side of sides) {
    for (const e of side.kind === 'map' ? side.entries.values() : toSequence(side).map(keyValueEntry)) entries.set(e.key, e);
  }
  return { ...meta(later(base, over)), kind: 'map', entries };
}

/**
 * networks.*.ipam.config, as compose-go's mergeIPAMConfig: each base config is merged with the
 * override configs of the same subnet; an override config of another subnet is added once. So base
 * configs that no override config matches are dropped (a bridge takes one subnet), and an empty base
 * list drops the override's. Where compose-go merges a base config with an override config of another
 * subnet already added (its fall-through), so does this; its in-place mutation is not reproduced.
 */
function mergeIpamConfig(base: Node, over: Node, path: Path): Node {
  if (base.kind !== 'seq' || over.kind !== 'seq') return over;
  const configs: MapNode[] = [];
  const subnet = (config: MapNode): unknown => {
    const value = config.entries.get('subnet')?.value;
    return value && !isNull(value) ? identity(value) : undefined;
  };
  const indexOf = (value: unknown): number => configs.findIndex((config) => plainEqual(subnet(config), value));
  for (const original of base.items) {
    let right = toMapping(original, (item) => scalarAt(item, null));
    for (const item of over.items) {
      const left = toMapping(item, (i) => scalarAt(i, null));
      if (!plainEqual(subnet(left), subnet(right)) && indexOf(subnet(left)) < 0) {
        configs.push(left);
        continue;
      }
      right = mergeMappings(right, left, path);
      const index = indexOf(subnet(right));
      if (index >= 0) configs[index] = right;
      else configs.push(right);
    }
  }
  return seq(over, configs);
}

// ---------------------------------------------------------------------------------------------
// form conversions (convertIntoSequence, convertIntoMapping)

function toSequence(node: Node): Node[] {
  switch (node.kind) {
    case 'seq':
      return node.items;
    case 'scalar':
      return isNull(node) ? [] : [node];
    case 'map': {
      const items: ScalarNode[] = [];
      for (const e of node.entries.values()) {
        const at = entrySpan(e);
        const values = e.value.kind === 'seq' ? e.value.items : [e.value];
        for (const value of values) {
          const text = isNull(value) ? e.key : `${e.key}=${formatValue(value)}`;
          const item: ScalarNode = { kind: 'scalar', span: at.span, ...(at.origin ? { origin: at.origin } : {}), value: text };
          if (value.kind === 'scalar' && value.unknown) {
            item.unknown = true;
            item.raw = `${e.key}=${sourceText(value)}`;
          }
          items.push(item);
        }
      }
      return items.sort((a, b) => compareStrings(String(a.value), String(b.value)));
    }
  }
}

/** A mapping; a list item (or a lone string) becomes a key spanning the item, with the value `valueOf` makes. */
function toMapping(node: Node, valueOf: (item: Node) => Node): MapNode {
  if (node.kind === 'map') return node;
  const items = node.kind === 'seq' ? node.items : isNull(node) ? [] : [node];
  return map(
    node,
    items.map((item) => entryAt(item, keyText(item), valueOf(item))),
  );
}

function keyValueEntry(item: Node): Entry {
  if (item.kind !== 'scalar' || item.value === null) return entryAt(item, keyText(item), item);
  const text = String(item.value);
  const eq = text.indexOf('=');
  if (eq < 0) return entryAt(item, item.unknown ? sourceText(item) : text, scalarAt(item, null));
  const value = scalarAt(item, text.slice(eq + 1));
  if (item.unknown) {
    // the value depends on an unset variable: so does the entry's value, whose text is after the first "="
    value.unknown = true;
    const raw = sourceText(item);
    if (raw.includes('=')) value.raw = raw.slice(raw.indexOf('=') + 1);
  }
  return entryAt(item, text.slice(0, eq), value);
}

function keyText(node: Node): string {
  return node.kind === 'scalar' ? String(node.value) : JSON.stringify(toPlain(node));
}

function formatValue(node: Node): string {
  return node.kind === 'scalar' ? String(node.value) : JSON.stringify(toPlain(node));
}

// ---------------------------------------------------------------------------------------------
// uniqueness (override/uncity.go)

const UNIQUE_PATHS: [string, Indexer][] = [];
function unique(pattern: string, indexer: Indexer): void {
  UNIQUE_PATHS.push([pattern, indexer]);
}
unique('networks.*.labels', keyValueIndexer);
unique('networks.*.ipam.options', keyValueIndexer);
unique('services.*.annotations', keyValueIndexer);
unique('services.*.build.args', keyValueIndexer);
unique('services.*.build.additional_contexts', keyValueIndexer);
unique('services.*.build.platform', keyValueIndexer); // sic: compose-go's path; `platforms` is not de-duplicated
unique('services.*.build.tags', keyValueIndexer);
unique('services.*.build.labels', keyValueIndexer);
unique('services.*.cap_add', keyValueIndexer);
unique('services.*.cap_drop', keyValueIndexer);
unique('services.*.configs', mountIndexer(''));
unique('services.*.deploy.labels', keyValueIndexer);
unique('services.*.dns', keyValueIndexer);
unique('services.*.dns_opt', keyValueIndexer);
unique('services.*.dns_search', keyValueIndexer);
unique('services.*.environment', keyValueIndexer);
unique('services.*.env_file', envFileIndexer);
unique('services.*.expose', exposeIndexer);
unique('services.*.labels', keyValueIndexer);
unique('services.*.links', keyValueIndexer);
unique('services.*.networks.*.aliases', keyValueIndexer);
unique('services.*.networks.*.link_local_ips', keyValueIndexer);
unique('services.*.ports', portIndexer);
unique('services.*.profiles', keyValueIndexer);
unique('services.*.secrets', mountIndexer('/run/secrets'));
unique('services.*.sysctls', keyValueIndexer);
unique('services.*.tmpfs', keyValueIndexer);
unique('services.*.volumes', volumeIndexer);
unique('services.*.devices', deviceIndexer);

const UNIQUE = PathTable.of(UNIQUE_PATHS);

/** EnforceUnicity, in place, on a tree found at `path`: only the paths of the table are walked. */
function enforceUnicity(node: Node, path: Path): void {
  const at = UNIQUE.at(path);
  if (at) walkUnique(node, at);
}

function walkUnique(node: Node, at: PathTable<Indexer>): void {
  if (node.kind === 'seq') {
    if (at.value) node.items = uniqueBy(node.items, at.value);
    if (at.value === portIndexer) node.items = withoutPortsInRanges(node.items);
    return;
  }
  if (node.kind !== 'map') return;
  const keys = at.exactKeys();
  if (!keys) {
    for (const e of node.entries.values()) walkUnique(e.value, at.next(e.key)!);
    return;
  }
  for (const key of keys) {
    const e = node.entries.get(key);
    if (e) walkUnique(e.value, at.next(key)!);
  }
}

/** Entries sharing a key collapse into one: the last entry, in the place of the first. */
function uniqueBy(items: readonly Node[], indexer: Indexer): Node[] {
  if (items.length < 2) return items as Node[];
  const out: Node[] = [];
  const seen = new Map<string, number>();
  for (const item of items) {
    const key = indexer(item);
    const at = seen.get(key);
    if (at === undefined) {
      seen.set(key, out.length);
      out.push(item);
    } else {
      out[at] = item;
    }
  }
  // nothing collapsed, as usual: the list itself, which the tree keeps, rather than a copy grown by push (17 slots)
  return out.length === items.length ? (items as Node[]) : out;
}

/**
 * Drops a single port that a short-syntax range of the same list already binds (`8080:80` beside
 * `8080-8081:80-81`): compose-go's loadYamlFile runs EnforceUnicity again after transform.Canonical has
 * expanded ranges into one port each ("Canonical transformation can reveal duplicates, typically as ports
 * can be a range and conflict with an override"), so the two collapse into one binding. The range is kept
 * whole: it binds the same ports.
 */
function withoutPortsInRanges(items: readonly Node[]): Node[] {
  if (items.length < 2) return items as Node[];
  const ranges: { prefix: string; published?: number; start: number; end: number }[] = [];
  const keys = items.map(portIndexer);
  for (const key of keys) {
    const m = /^(.*):(\d*):(\d+)-(\d+)\/([^/]*)$/.exec(key);
    if (m) ranges.push({ prefix: `${m[1]}/${m[5]}`, published: m[2] === '' ? undefined : Number(m[2]), start: Number(m[3]), end: Number(m[4]) });
  }
  if (ranges.length === 0) return items as Node[];
  return items.filter((_, i) => {
    const m = /^(.*):(\d*):(\d+)\/([^/]*)$/.exec(keys[i]);
    if (!m) return true;
    const prefix = `${m[1]}/${m[4]}`;
    const target = Number(m[3]);
    const published = m[2] === '' ? undefined : Number(m[2]);
    return !ranges.some((r) => r.prefix === prefix && target >= r.start && target <= r.end && (published === undefined ? r.published === undefined : r.published !== undefined && published - r.published === target - r.start));
  });
}

/** Key of an item compose-go cannot index (it fails the load), or whose key is a variable: never equal to a real key. */
function opaque(item: Node): string {
  return `\u0000${JSON.stringify(identity(item))}`;
}

/**
 * Text of a scalar for comparing and indexing. A value that depends on an unset variable is not
 * known to equal anything but the same source text: it is its source text, marked so that it
 * equals no known value.
 */
function scalarText(node: ScalarNode): string {
  return node.unknown ? `\u0001${sourceText(node)}` : String(node.value);
}

/** the text before interpolation */
function sourceText(node: ScalarNode): string {
  return node.raw ?? String(node.value);
}

/** Plain value for identity comparisons: toPlain, with unknown scalars as their marked source text. */
function identity(node: Node): unknown {
  switch (node.kind) {
    case 'scalar':
      return node.unknown ? scalarText(node) : node.value;
    case 'seq':
      return node.items.map(identity);
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const [key, e] of node.entries) out[key] = identity(e.value);
      return out;
    }
  }
}

function keyValueIndexer(item: Node): string {
  if (item.kind !== 'scalar' || typeof item.value !== 'string') return opaque(item);
  const text = sourceText(item);
  const key = text.includes('=') ? text.slice(0, text.indexOf('=')) : text;
  // a key that is itself a variable is not known to equal any other
  return item.unknown && key.includes('$') ? opaque(item) : key;
}

function exposeIndexer(item: Node): string {
  return item.kind === 'scalar' && item.value !== null ? scalarText(item) : opaque(item);
}

function envFileIndexer(item: Node): string {
  if (item.kind === 'scalar' && typeof item.value === 'string') return scalarText(item);
  const path = item.kind === 'map' ? item.entries.get('path')?.value : undefined;
  return path?.kind === 'scalar' ? scalarText(path) : opaque(item);
}

function mountIndexer(defaultPath: string): Indexer {
  return (item) => {
    if (item.kind === 'scalar' && item.value !== null) return `${defaultPath}/${scalarText(item)}`;
    if (item.kind !== 'map') return opaque(item);
    const target = item.entries.get('target')?.value;
    if (target?.kind === 'scalar') return scalarText(target);
    const source = item.entries.get('source')?.value;
    return source?.kind === 'scalar' ? `${defaultPath}/${scalarText(source)}` : opaque(item);
  };
}

function volumeIndexer(item: Node): string {
  if (item.kind === 'map') {
    const target = item.entries.get('target')?.value;
    return target?.kind === 'scalar' && typeof target.value === 'string' ? scalarText(target) : opaque(item);
  }
  if (item.kind === 'scalar' && typeof item.value === 'string') return volumeTarget(scalarText(item)) ?? opaque(item);
  return opaque(item);
}

/** Target of a short volume spec, as compose-go's format.ParseVolume reads it (lib/syntax/compose.ts parseVolume). */
function volumeTarget(spec: string): string | undefined {
  return parseVolume(spec)?.target;
}

function deviceIndexer(item: Node): string {
  if (item.kind === 'map') {
    const target = item.entries.get('target')?.value;
    return target?.kind === 'scalar' && typeof target.value === 'string' ? scalarText(target) : opaque(item);
  }
  if (item.kind === 'scalar' && typeof item.value === 'string') {
    const parts = scalarText(item).split(':');
    return parts.length === 1 ? parts[0] : parts[1];
  }
  return opaque(item);
}

/**
 * Ports are compared in compose-go's canonical long form (it runs EnforceUnicity again after
 * `transform.Canonical`): `host_ip:published:target/protocol`, host_ip defaulting to 0.0.0.0 and
 * protocol to tcp, so `"8080:80"`, `"0.0.0.0:8080:80/tcp"` and `{target: 80, published: 8080}` are
 * one port. A short-syntax range is one key for the whole range; a single port inside a range of the
 * same list is then dropped (withoutPortsInRanges), as compose-go's second pass after expanding ranges does.
 */
function portIndexer(item: Node): string {
  if (item.kind === 'scalar') {
    if (typeof item.value === 'number') return `0.0.0.0::${item.value}/tcp`;
    if (typeof item.value === 'string') return shortPortKey(scalarText(item)) ?? scalarText(item);
    return opaque(item);
  }
  if (item.kind !== 'map') return opaque(item);
  const text = (key: string): string | undefined => {
    const value = item.entries.get(key)?.value;
    return value?.kind === 'scalar' && value.value !== null ? scalarText(value) : undefined;
  };
  const target = text('target');
  if (target === undefined) return opaque(item);
  return `${text('host_ip') || '0.0.0.0'}:${text('published') ?? ''}:${target}/${(text('protocol') || 'tcp').toLowerCase()}`;
}

/**
 * Canonical key of a short port spec (`[[ip:]published:]target[/protocol]`), parsed by the syntax module's
 * parseShortPort (docker/go-connections' ParsePortSpec); undefined when it is not a port spec, so the entry
 * is compared by its text.
 */
function shortPortKey(spec: string): string | undefined {
  let port: ShortPort;
  try {
    port = parseShortPort(spec);
  } catch {
    return undefined;
  }
  const address = port.hostIp ?? '0.0.0.0';
  const { target, published } = port;
  // a container range is one key for the whole range, not one per port (65,535 for "1-65535:1-65535"): two
  // ranges are equal exactly when their ports are, and a container range ("80-81") never reads as a single port's key
  if (target.end > target.start) return `${address}:${published ? published.start : ''}:${formatPortRange(target)}/${port.protocol}`;
  return `${address}:${published ? formatPortRange(published) : ''}:${target.start}/${port.protocol}`;
}

// ---------------------------------------------------------------------------------------------
// nodes

/** The node whose span a container built from both sides takes: the override's, unless it is null. */
function later(base: Node, over: Node): Node {
  return isNull(over) ? base : over;
}

function isNull(node: Node): boolean {
  return node.kind === 'scalar' && node.value === null && !node.unknown;
}

/** span and origin of a node, without its tag */
function meta(node: Node): { span: Span; origin?: Span } {
  return node.origin ? { span: node.span, origin: node.origin } : { span: node.span };
}

function map(at: Node, entries: Iterable<Entry>): MapNode {
  return { ...meta(at), kind: 'map', entries: new Map([...entries].map((e) => [e.key, e])) };
}

function seq(at: Node, items: Node[]): SeqNode {
  return { ...meta(at), kind: 'seq', items };
}

function scalarAt(at: Node, value: ScalarNode['value']): ScalarNode {
  return { ...meta(at), kind: 'scalar', value };
}

/** An entry made from a node (a list item, a `build` string): key and value both placed at it. */
function entryAt(at: Node, key: string, value: Node): Entry {
  return at.origin ? { key, keySpan: at.span, keyOrigin: at.origin, value } : { key, keySpan: at.span, value };
}

function withValue(e: Entry, value: Node): Entry {
  return e.keyOrigin ? { key: e.key, keySpan: e.keySpan, keyOrigin: e.keyOrigin, value } : { key: e.key, keySpan: e.keySpan, value };
}

/** From the start of an entry's key to the end of its value, where both are in one file. */
function entrySpan(e: Entry): { span: Span; origin?: Span } {
  const join = (from: Span, to: Span): Span =>
    from.file === to.file && (to.endLine > from.line || (to.endLine === from.line && to.endColumn >= from.column)) ? { file: from.file, line: from.line, column: from.column, endLine: to.endLine, endColumn: to.endColumn } : from;
  const span = join(e.keySpan, e.value.span);
  if (!e.keyOrigin) return { span };
  return { span, origin: join(e.keyOrigin, e.value.origin ?? e.value.span) };
}

function copyScalar(node: ScalarNode): ScalarNode {
  const { tag: _tag, ...rest } = node;
  return { ...rest };
}

/** Deep copy without tags. */
function clone(node: Node): Node {
  switch (node.kind) {
    case 'scalar':
      return copyScalar(node);
    case 'seq':
      return seq(node, node.items.map(clone));
    case 'map':
      return map(
        node,
        [...node.entries.values()].map((e) => withValue(e, clone(e.value))),
      );
  }
}

function plainEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((item, i) => plainEqual(item, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && plainEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return false;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
