/**
 * The project as `docker compose config` prints it: merged, interpolated, `extends`/`include`/profiles applied
 * (lib/source did that), then normalised as compose-go does before printing. Every value keeps the span it
 * came from (and the spans it overrode), so the printers can say where each value was written.
 *
 * The normalisation follows compose-go v2: loader/normalize.go (Normalize: the implicit `default` network,
 * `depends_on` implied by `links`, `network_mode`/`ipc`/`pid`/`uts`/`cgroup: service:X` and `volumes_from`,
 * `build` defaults, names of networks, volumes, configs and secrets), transform/ (canonical long syntax of
 * `ports`, `depends_on`, `networks`, `environment`, `build`, `extra_hosts`) and types/project.go
 * WithServicesEnvironmentResolved (env_file entries resolved into `environment`, env_file dropped).
 * Network names come from the network model (one home for that fact).
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { parseDependency, parseVolume } from '../syntax/compose';
import { dependenciesOf } from '../source/dependencies';
import type { EnvEntry } from '../source/dotenv';
import type { Lookup } from '../source/interpolate';
import type { LoadedProject } from '../source/project';
import type { Span } from '../source/span';
import { get, isMap, isScalar, isSeq, type Entry, type MapNode, type Node, type ScalarNode, type SeqNode } from '../source/tree';

/** The span of a value compose-netlint (as Compose) made up: a default, a name. Printers show no place for it. */
export const IMPLIED: Span = Object.freeze({ file: '', line: 0, column: 0, endLine: 0, endColumn: 0 });

const TOP_LEVEL_ORDER = ['name', 'services', 'networks', 'volumes', 'secrets', 'configs', 'models'];

/** `networks` names from the model: key -> Docker name (`<project>_<key>`, `name:`, or the key when external). */
export type NetworkNames = ReadonlyMap<string, string>;

/**
 * The normalised project as a located tree (see the module comment for what is normalised). `networkNames` gives
 * each network's Docker name, from the network model. Never mutates the project; never throws.
 */
export function normaliseProject(project: LoadedProject, networkNames: NetworkNames, home: string = os.homedir()): MapNode {
  const lookup = project.lookup;
  const abs = (p: string): string => absolutePath(p, project.directory, home);
  const root = project.root;
  const entries: Entry[] = [];
  const nameEntry = root.entries.get('name');
  entries.push(entryOf('name', scalar(project.name, nameEntry ? nameEntry.value.span : IMPLIED), nameEntry?.keySpan));

  const services = get(root, 'services');
  let usesDefault = false;
  if (isMap(services)) {
    const normalised: Entry[] = [];
    for (const key of [...services.entries.keys()].sort()) {
      const e = services.entries.get(key)!;
      const service = normaliseService(e.value, project.envFileEntries, lookup, abs);
      if (isMap(get(service, 'networks')) && (get(service, 'networks') as MapNode).entries.has('default')) usesDefault = true;
      normalised.push({ ...e, value: service });
    }
    entries.push({ ...root.entries.get('services')!, value: mapOf(services.span, normalised) });
  }

  const networks = resources(root, 'networks', (key) => networkNames.get(key) ?? `${project.name}_${key}`);
  if (usesDefault && !networks.entries.has('default')) {
    networks.entries.set('default', entryOf('default', mapOf(IMPLIED, [entryOf('name', scalar(networkNames.get('default') ?? `${project.name}_default`, IMPLIED))])));
  }
  if (networks.entries.size > 0) entries.push(entryOf('networks', sorted(networks), root.entries.get('networks')?.keySpan));
  for (const section of ['volumes', 'secrets', 'configs']) {
    // compose-go loader/normalize.go setNameFromKey: `<project>_<key>`, or the key when external
    const named = resources(root, section, (key, node) => (isTrue(get(node, 'external')) ? key : `${project.name}_${key}`));
    // compose-go paths/resolve.go: `configs.*.file` and `secrets.*.file` are made absolute (maybeUnixPath)
    if (section !== 'volumes') for (const [key, e] of named.entries) if (isMap(e.value)) named.entries.set(key, { ...e, value: mapPath(e.value, 'file', abs) });
    if (named.entries.size > 0) entries.push(entryOf(section, sorted(named), root.entries.get(section)?.keySpan));
  }
  for (const [key, e] of root.entries) {
    if (TOP_LEVEL_ORDER.includes(key) || key === 'version' || key === 'include') continue;
    entries.push(e);
  }
  return mapOf(root.span, entries);
}

/** Each resource of a top-level section as a mapping with its `name`; `external.name` moves to `name` (transform/external.go). */
function resources(root: MapNode, section: string, defaultName: (key: string, node: Node) => string): MapNode {
  const out = mapOf(root.entries.get(section)?.value.span ?? IMPLIED, []);
  const map = get(root, section);
  if (!isMap(map)) return out;
  for (const [key, e] of map.entries) {
    const body: Entry[] = isMap(e.value) ? [...e.value.entries.values()] : [];
    const external = body.find((b) => b.key === 'external');
    const externalName = external && isMap(external.value) ? external.value.entries.get('name') : undefined;
    let name = body.find((b) => b.key === 'name');
    const rest = body.filter((b) => b.key !== 'name' && b.key !== 'external');
    if (!name && externalName) name = externalName;
    const named: Entry = name ?? entryOf('name', scalar(defaultName(key, e.value), IMPLIED));
    const externalEntry = external && externalName ? { ...external, value: scalar(true, external.value.span) } : external;
    out.entries.set(key, { ...e, value: mapOf(e.value.span, [named, ...(externalEntry ? [externalEntry] : []), ...rest]) });
  }
  return out;
}

function normaliseService(node: Node, envFiles: ReadonlyMap<string, EnvEntry[]>, lookup: Lookup, abs: (p: string) => string): Node {
  if (!isMap(node)) return node;
  const entries = new Map(node.entries);
  const set = (key: string, value: Node | undefined, keySpan?: Span): void => {
    if (value === undefined) entries.delete(key);
    else entries.set(key, { ...(entries.get(key) ?? entryOf(key, value, keySpan)), value });
  };

  // compose-go normalizeNetworks: no networks and no network_mode (nor provider) is the default network
  const networks = get(node, 'networks');
  if (!entries.has('network_mode') && !entries.has('provider')) {
    if (!networks || (isMap(networks) && networks.entries.size === 0) || (isSeq(networks) && networks.items.length === 0)) set('networks', mapOf(networks?.span ?? IMPLIED, [entryOf('default', scalar(null, IMPLIED))]));
  }
  if (isSeq(networks) && networks.items.length > 0)
    set(
      'networks',
      sorted(
        mapOf(
          networks.span,
          networks.items.filter(isScalar).map((n) => entryAtNode(String(n.value), n, scalar(null, IMPLIED))),
        ),
      ),
    );
  else if (isMap(networks)) set('networks', sorted(networks));

  const build = get(node, 'build');
  if (build) set('build', normaliseBuild(build, lookup, abs));
  const volumes = get(node, 'volumes');
  if (isSeq(volumes)) set('volumes', { ...volumes, items: volumes.items.map((v) => longVolume(v, abs)) });
  const ports = get(node, 'ports');
  if (isSeq(ports)) set('ports', { ...ports, items: ports.items.flatMap(longPorts) });
  const expose = get(node, 'expose');
  if (isSeq(expose)) set('expose', { ...expose, items: expose.items.map((i) => (isScalar(i) && i.value !== null ? { ...i, value: String(i.value) } : i)) });
  const environment = normaliseEnvironment(get(node, 'environment'), get(node, 'env_file'), envFiles);
  if (environment) set('environment', environment);
  entries.delete('env_file');
  const extraHosts = get(node, 'extra_hosts');
  if (extraHosts) set('extra_hosts', normaliseExtraHosts(extraHosts));
  const dependsOn = normaliseDependsOn(node);
  if (dependsOn.entries.size > 0) set('depends_on', dependsOn);
  return { ...node, entries };
}

/**
 * compose-go transform/build.go and Normalize: a string is the context; `dockerfile` defaults to "Dockerfile"; `args`
 * is a mapping where a bare name takes its value from the environment, or is dropped when unset there.
 */
function normaliseBuild(build: Node, lookup: Lookup, abs: (p: string) => string): Node {
  const map = isScalar(build) ? mapOf(build.span, [entryAtNode('context', build, build)]) : build;
  if (!isMap(map)) return build;
  const context = (e: Entry): Entry => (isScalar(e.value) && typeof e.value.value === 'string' && isLocalContext(e.value.value) ? { ...e, value: { ...e.value, value: abs(e.value.value) } } : e);
  const entries = [...map.entries.values()].map((e) => {
    if (e.key === 'args') return { ...e, value: buildArgs(e.value, lookup) };
    if (e.key === 'context') return context(e);
    if (e.key === 'additional_contexts' && isMap(e.value)) return { ...e, value: mapOf(e.value.span, [...e.value.entries.values()].map(context), e.value.origin) };
    return e;
  });
  if (!map.entries.has('context')) entries.unshift(entryOf('context', scalar(abs('.'), IMPLIED)));
  if (!map.entries.has('dockerfile') && !map.entries.has('dockerfile_inline')) entries.push(entryOf('dockerfile', scalar('Dockerfile', IMPLIED)));
  return mapOf(map.span, entries);
}

/**
 * compose-go transform/ports.go: each short-syntax port becomes `{mode, host_ip?, target, published?, protocol}`, a
 * range one entry per port; a host range for one container port stays one entry whose `published` is the range.
 * A long-syntax entry gets `mode: ingress` and `protocol: tcp` when unset and a string `published`. A value left
 * unknown by an unset variable stays as written (compose-go keeps what it cannot parse when interpolation is off).
 */
function longPorts(item: Node): Node[] {
  if (isMap(item)) {
    const e = item.entries;
    const published = e.get('published');
    const ordered: (Entry | undefined)[] = [
      e.get('name'),
      e.get('mode') ?? entryOf('mode', scalar('ingress', IMPLIED)),
      e.get('host_ip'),
      e.get('target'),
      published && isScalar(published.value) && published.value.value !== null ? { ...published, value: { ...published.value, value: String(published.value.value) } } : published,
      e.get('protocol') ?? entryOf('protocol', scalar('tcp', IMPLIED)),
      e.get('app_protocol'),
    ];
    const known = new Set(['name', 'mode', 'host_ip', 'target', 'published', 'protocol', 'app_protocol']);
    for (const [k, v] of e) if (!known.has(k)) ordered.push(v);
    return [
      mapOf(
        item.span,
        ordered.filter((x): x is Entry => x !== undefined),
        item.origin,
      ),
    ];
  }
  if (!isScalar(item) || item.value === null || item.unknown) return [item];
  const parsed = parseShortPort(String(item.value));
  if (!parsed) return [item];
  const at = (v: ScalarNode['value']): ScalarNode => scalar(v, item.span, item.origin, item.overrides);
  return parsed.map((p) =>
    mapOf(
      item.span,
      [
        entryAtNode('mode', item, at('ingress')),
        ...(p.hostIp ? [entryAtNode('host_ip', item, at(p.hostIp))] : []),
        entryAtNode('target', item, at(p.target)),
        ...(p.published !== undefined ? [entryAtNode('published', item, at(p.published))] : []),
        entryAtNode('protocol', item, at(p.protocol)),
      ],
      item.origin,
    ),
  );
}

function buildArgs(args: Node, lookup: Lookup): Node {
  const out = new Map<string, Entry>();
  const add = (key: string, value: ScalarNode, keyAt: Span): void => {
    if (value.value !== null) {
      out.set(key, { key, keySpan: keyAt, value: typeof value.value === 'string' ? value : { ...value, value: String(value.value) } });
      return;
    }
    const resolved = lookup(key);
    if (resolved !== undefined) out.set(key, { key, keySpan: keyAt, value: { ...value, value: resolved } });
  };
  if (isMap(args)) for (const [key, e] of args.entries) if (isScalar(e.value)) add(key, e.value, e.keySpan);
  if (isSeq(args)) {
    for (const item of args.items) {
      if (!isScalar(item) || item.value === null) continue;
      const text = String(item.value);
      const eq = text.indexOf('=');
      add(eq < 0 ? text : text.slice(0, eq), scalar(eq < 0 ? null : text.slice(eq + 1), item.span, item.origin, item.overrides), item.span);
    }
  }
  return isMap(args) || isSeq(args) ? sorted(mapOf(args.span, [...out.values()])) : args;
}

interface ShortPort {
  hostIp?: string;
  target: number;
  published?: string;
  protocol: string;
}

/** `[[ip:]published:]target[/protocol]`, ranges allowed (docker/go-connections nat.ParsePortSpec, as compose-go uses it); undefined when unparseable. */
export function parseShortPort(spec: string): ShortPort[] | undefined {
  const slash = spec.lastIndexOf('/');
  const protocol = slash >= 0 ? spec.slice(slash + 1).toLowerCase() || 'tcp' : 'tcp';
  const body = slash >= 0 ? spec.slice(0, slash) : spec;
  const parts = body.split(':');
  const targetText = parts[parts.length - 1];
  const publishedText = parts.length >= 2 ? parts[parts.length - 2] : '';
  let hostIp = parts.length >= 3 ? parts.slice(0, -2).join(':') : '';
  if (hostIp.startsWith('[') && hostIp.endsWith(']')) hostIp = hostIp.slice(1, -1);
  const target = range(targetText);
  const published = publishedText === '' ? undefined : range(publishedText);
  if (!target || (publishedText !== '' && !published)) return undefined;
  const count = target[1] - target[0] + 1;
  if (count === 1) {
    const pub = published ? (published[0] === published[1] ? String(published[0]) : `${published[0]}-${published[1]}`) : undefined;
    return [{ ...(hostIp ? { hostIp } : {}), target: target[0], ...(pub !== undefined ? { published: pub } : {}), protocol }];
  }
  if (published && published[1] - published[0] + 1 !== count) return undefined;
  return Array.from({ length: count }, (_, i) => ({ ...(hostIp ? { hostIp } : {}), target: target[0] + i, ...(published ? { published: String(published[0] + i) } : {}), protocol }));
}

function range(text: string): [number, number] | undefined {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!m) return undefined;
  const start = Number(m[1]);
  const end = m[2] === undefined ? start : Number(m[2]);
  return end < start ? undefined : [start, end];
}

/**
 * compose-go transform and WithServicesEnvironmentResolved: `environment` as a mapping (a bare name is null),
 * the `env_file` entries first and `environment` over them.
 */
function normaliseEnvironment(environment: Node | undefined, envFile: Node | undefined, envFiles: ReadonlyMap<string, EnvEntry[]>): MapNode | undefined {
  const entries = new Map<string, Entry>();
  for (const item of isSeq(envFile) ? envFile.items : envFile ? [envFile] : []) {
    const path = isMap(item) ? get(item, 'path') : item;
    if (!isScalar(path) || typeof path.value !== 'string') continue;
    for (const e of envFiles.get(path.value) ?? []) entries.set(e.key, { key: e.key, keySpan: e.span, value: scalar(e.value, e.valueSpan) });
  }
  if (isSeq(environment)) {
    for (const item of environment.items) {
      if (!isScalar(item) || item.value === null) continue;
      const text = String(item.value);
      const eq = text.indexOf('=');
      const key = eq < 0 ? text : text.slice(0, eq);
      entries.set(key, entryAtNode(key, item, scalar(eq < 0 ? null : text.slice(eq + 1), item.span, item.origin, item.overrides)));
    }
  } else if (isMap(environment)) {
    for (const [key, e] of environment.entries) {
      const v = e.value;
      entries.set(key, isScalar(v) && v.value !== null && typeof v.value !== 'string' ? { ...e, value: { ...v, value: String(v.value) } } : e);
    }
  }
  if (entries.size === 0 && !environment) return undefined;
  return sorted(mapOf(environment?.span ?? IMPLIED, [...entries.values()]));
}

/** compose-go types/hostList.go MarshalYAML: `host=ip`, one per address, sorted. */
function normaliseExtraHosts(node: Node): Node {
  const items: ScalarNode[] = [];
  const add = (host: string, address: string, at: Node): void => {
    items.push(scalar(`${host}=${address.length > 2 && address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address}`, at.span, at.origin, at.overrides));
  };
  if (isMap(node)) {
    for (const [host, e] of node.entries) for (const v of isSeq(e.value) ? e.value.items : [e.value]) if (isScalar(v)) add(host, v.value === null ? '' : String(v.value), v);
  } else if (isSeq(node)) {
    for (const item of node.items) {
      if (!isScalar(item) || item.value === null) continue;
      const text = String(item.value);
      const at = text.includes('=') ? text.indexOf('=') : text.indexOf(':');
      if (at < 0) return node;
      for (const address of text.slice(at + 1).split(',')) add(text.slice(0, at), address, item);
    }
  } else return node;
  items.sort((a, b) => (a.value! < b.value! ? -1 : a.value! > b.value! ? 1 : 0));
  return { kind: 'seq', span: node.span, items } satisfies SeqNode;
}

/**
 * compose-go transform/dependson.go (a list item is `{condition: service_started, required: true}`; a mapping entry
 * gets those defaults) and loader/normalize.go (links, `service:` namespaces and volumes_from add their service,
 * with `restart: true`, or `false` for volumes_from).
 */
function normaliseDependsOn(service: MapNode): MapNode {
  const declared = get(service, 'depends_on');
  const out = mapOf(declared?.span ?? IMPLIED, []);
  const withDefaults = (key: string, span: Span, body: MapNode | undefined, restart?: boolean): Entry => {
    const have = body?.entries ?? new Map<string, Entry>();
    const defaults = parseDependency(key);
    const entries: Entry[] = [
      have.get('condition') ?? entryOf('condition', scalar(defaults.condition, IMPLIED)),
      ...(restart !== undefined && !have.has('restart') ? [entryOf('restart', scalar(restart, IMPLIED))] : []),
      have.get('required') ?? entryOf('required', scalar(defaults.required, IMPLIED)),
      ...[...have.values()].filter((e) => e.key !== 'condition' && e.key !== 'required'),
    ];
    return { key, keySpan: span, value: sorted(mapOf(body?.span ?? span, entries)) };
  };
  if (isSeq(declared)) for (const item of declared.items) if (isScalar(item) && item.value !== null) out.entries.set(String(item.value), withDefaults(String(item.value), item.span, undefined));
  if (isMap(declared)) for (const [key, e] of declared.entries) out.entries.set(key, withDefaults(key, e.keySpan, isMap(e.value) ? e.value : undefined));
  // links, `service:` namespaces and volumes_from, as the loader's dependency check reads them
  for (const d of dependenciesOf(service)) {
    if (d.via !== 'depends_on' && !out.entries.has(d.target)) out.entries.set(d.target, withDefaults(d.target, d.span, undefined, d.via !== 'volumes_from'));
  }
  return sorted(out);
}

/**
 * compose-go paths/context.go absContextPath: a build context is a local path unless it holds `://`, starts with
 * `service:` or is a Git/HTTP reference (`https://`, `http://`, `git://`, `ssh://`, `github.com/`, `git@`).
 */
function isLocalContext(context: string): boolean {
  return !context.includes('://') && !context.startsWith('service:') && !['github.com/', 'git@'].some((p) => context.startsWith(p));
}

/**
 * compose-go paths/home.go ExpandUser then paths/unix.go maybeUnixPath: a leading `~` is `home` (Go's
 * os.UserHomeDir, which reads $HOME); a path neither POSIX- nor Windows-absolute (`C:\`, `\\`) is joined to
 * `base` (the project directory) and cleaned. Returns the path, absolute unless `~` could not be expanded.
 */
export function absolutePath(p: string, base: string, home: string): string {
  const expanded = p.startsWith('~') ? path.join(home, p.slice(1)) : p;
  if (path.posix.isAbsolute(expanded) || /^[A-Za-z]:[\\/]/.test(expanded) || expanded.startsWith('\\\\')) return expanded;
  return path.join(base, expanded);
}

/** The mapping with its string `key` made absolute (see absolutePath). */
function mapPath(map: MapNode, key: string, abs: (p: string) => string): MapNode {
  const e = map.entries.get(key);
  if (!e || !isScalar(e.value) || typeof e.value.value !== 'string') return map;
  return { ...map, entries: new Map(map.entries).set(key, { ...e, value: { ...e.value, value: abs(e.value.value) } }) };
}

/**
 * compose-go transform/volume.go and format/volume.go ParseVolume: a short-syntax entry becomes
 * `{type, source?, target, read_only?, bind: {} | volume: {}}` (target cleaned as Go's path.Clean; a bind's
 * `create_host_path: true` is an OptOut that compose-go v2.10+ omits when true, types.go), and
 * paths/resolve.go absVolumeMount makes a bind source absolute, short or long syntax. Entries with options other
 * than `ro`/`rw`, or left unknown by an unset variable, stay as written.
 */
function longVolume(item: Node, abs: (p: string) => string): Node {
  if (isMap(item)) return isScalar(get(item, 'type')) && get(item, 'type')!.kind === 'scalar' && (get(item, 'type') as ScalarNode).value === 'bind' ? mapPath(item, 'source', abs) : item;
  if (!isScalar(item) || typeof item.value !== 'string' || item.unknown) return item;
  const options = item.value.split(':').slice(2).join(':');
  if (options !== '' && options.split(',').some((o) => o !== 'ro' && o !== 'rw')) return item;
  const v = parseVolume(item.value);
  if (!v) return item;
  const at = (value: ScalarNode['value']): ScalarNode => scalar(value, item.span, item.origin, item.overrides);
  return mapOf(
    item.span,
    [
      entryAtNode('type', item, at(v.type)),
      ...(v.source !== undefined ? [entryAtNode('source', item, at(v.type === 'bind' ? abs(v.source) : v.source))] : []),
      entryAtNode('target', item, at(path.posix.normalize(v.target).replace(/(.)\/$/, '$1'))),
      ...(v.readOnly ? [entryAtNode('read_only', item, at(true))] : []),
      entryAtNode(v.type, item, mapOf(item.span, [])),
    ],
    item.origin,
  );
}

/** Keys sorted, as Go's YAML and JSON encoders print a Go map (compose-go keeps these as maps). */
function sorted(node: MapNode): MapNode {
  return { ...node, entries: new Map([...node.entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) };
}

function isTrue(node: Node | undefined): boolean {
  return isScalar(node) && (node.value === true || node.value === 'true');
}

function scalar(value: ScalarNode['value'], span: Span, origin?: Span, overrides?: Span[]): ScalarNode {
  const node: ScalarNode = { kind: 'scalar', span, value };
  if (origin) node.origin = origin;
  if (overrides) node.overrides = overrides;
  return node;
}

function mapOf(span: Span, entries: Entry[], origin?: Span): MapNode {
  const node: MapNode = { kind: 'map', span, entries: new Map(entries.map((e) => [e.key, e])) };
  if (origin) node.origin = origin;
  return node;
}

function entryOf(key: string, value: Node, keySpan: Span = IMPLIED): Entry {
  return { key, keySpan, value };
}

function entryAtNode(key: string, at: Node, value: Node): Entry {
  return { key, keySpan: at.span, value };
}
