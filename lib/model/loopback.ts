import { RangeIndex } from './range-index';
import type { Reference } from './references';
import type { Model, PortBinding, PortRange } from './types';

/**
 * The names and addresses that mean "this machine" to a client, and so, inside a container, that container's own
 * network namespace (Docker docs, "Networking overview": each container has its own network stack; the
 * /etc/hosts Docker writes maps `localhost`, `ip6-localhost` and `ip6-loopback` to 127.0.0.1 and ::1):
 * `localhost`, `ip6-localhost`, `ip6-loopback`, 127.0.0.0/8, ::1, and 0.0.0.0, which Linux connects to as the
 * local host (net/ipv4/route.c ip_route_output_key_hash_rcu: "if (!fl4->daddr) fl4->daddr = fl4->saddr =
 * htonl(INADDR_LOOPBACK)"). references.ts keeps 0.0.0.0 only where a URL uses it as a client address.
 */
export function isLoopbackName(name: string): boolean {
  const lower = name.toLowerCase();
  return lower === 'localhost' || lower === 'ip6-localhost' || lower === 'ip6-loopback' || lower === '::1' || lower === '0.0.0.0' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(lower);
}

/**
 * What a loopback reference reaches and whether that is what its author meant:
 * - `own`: the port is one the source's namespace declares (its own `ports`/`expose`, or those of a service that
 *   shares its namespace through `network_mode: service:`), or the variable names a service of that namespace;
 * - `host`: the source uses the host's network (`network_mode: host`), so loopback is the host, where published
 *   ports and host-network listeners are, and one of them (or nothing the project tells) is on the port;
 * - `host-miss`: the source uses the host's network and no service publishes host port `ref.port` or listens on
 *   it with the host's network, but `targets` declare it as a container port (`"18081:8080"` and `localhost:8080`):
 *   the host reaches that container port only as the host port it is published on, `hostPort` when one target
 *   publishes it as one port;
 * - `other`: the port, or the name of the variable or URL scheme, points at services of other namespaces, which
 *   loopback never reaches: `by` says which (`port`: they declare it as a container port; `published`: they publish
 *   it as a host port, whose container port is `targetPort`; `name`: the variable or scheme is their name);
 * - `browser`: the value is handed to a browser on the host (a variable named like `NEXT_PUBLIC_*`, `VITE_*`,
 *   `REACT_APP_*`, `*_PUBLIC_*`, `*_BROWSER_*`, `*_EXTERNAL_*`), where loopback is the host and published ports answer;
 * - `unknown`: nothing says what was meant (a port nobody declares, no telling name); the reference is left alone.
 * A healthcheck runs inside the container it checks, so its loopback is always `own`.
 */
export type LoopbackMeaning =
  { kind: 'own' } | { kind: 'browser' } | { kind: 'host' } | { kind: 'host-miss'; targets: string[]; hostPort?: number } | { kind: 'other'; by: 'port' | 'published' | 'name'; targets: string[]; targetPort?: number } | { kind: 'unknown' };

/** The graph questions the loopback and port answers need, as NetworkGraph answers them. */
export interface PortGraph {
  model: Model;
  namespace(service: string): { owner: string; kind?: string; broken?: string };
  publishedOnHost(service: string): PortBinding[];
  ownersOf(name: string): string[];
}

/** Variables whose value a frontend build hands to the browser (framework prefixes, and public/browser/external in the name). */
const BROWSER_VARIABLE = /^(NEXT_PUBLIC|NUXT_PUBLIC|VITE|REACT_APP|VUE_APP|PUBLIC)_|(^|_)(PUBLIC|BROWSER|EXTERNAL)(_|$)/i;

const HOST_SUFFIX = /[_-]?(HOST|HOSTNAME|ADDR|ADDRESS|SERVER|URL|URI|DSN|ENDPOINT|PORT)$/i;

/**
 * The service names a variable's name or a URL's scheme may stand for: `DB_HOST` -> `db`, `REDIS_URL` -> `redis`,
 * `ORDERS_DB_HOST` -> `orders_db`, `orders-db`, `orders`, `db`; `postgres://` -> `postgres`. Lower case.
 */
export function namesHinted(variable: string | undefined, scheme: string | undefined): string[] {
  const out = new Set<string>();
  if (variable) {
    const stem = variable.replace(HOST_SUFFIX, '').toLowerCase();
    if (stem && stem !== variable.toLowerCase()) {
      const tokens = stem.split(/[_-]/).filter(Boolean);
      for (const n of [stem, tokens.join('-'), tokens.join('_'), tokens[0], tokens[tokens.length - 1]]) if (n) out.add(n);
    }
  }
  if (scheme) out.add(scheme);
  return [...out];
}

const inRange = (range: PortRange, port: number): boolean => port >= range.start && port <= range.end;

/**
 * The container port behind TCP host port `hostPort` that a service publishes, with the `ports` entry that does it
 * (the engine's NAT rule sends the published port to the target, Docker docs "Published ports"; a host range maps
 * one to one onto a container range of the same size, or all onto one port), or undefined when it publishes none.
 */
export function containerPortBehind(graph: PortGraph, service: string, hostPort: number): { port: number; binding: PortBinding } | undefined {
  for (const binding of graph.publishedOnHost(service)) {
    const p = binding.published!.value;
    if (binding.protocol !== 'tcp' || !inRange(p, hostPort)) continue;
    const t = binding.target.value;
    return { port: t.end > t.start ? t.start + (hostPort - p.start) : t.start, binding };
  }
  return undefined;
}

/**
 * The services that declare each TCP container port (a `ports` target or an `expose` entry, valid and known) and
 * those that publish each TCP host port, indexed once so that judging a reference costs the services on its port,
 * not a pass over the project: single ports in maps, port ranges (never expanded) in a RangeIndex each.
 */
export class PortIndex {
  private readonly declared = new Map<number, string[]>();
  private readonly declaredRanges: RangeIndex<string>;
  private readonly published = new Map<number, string[]>();
  private readonly publishedRanges: RangeIndex<string>;
  /**
   * "does this namespace declare P" is a lookup, however many services declare P: single TCP container ports -> the
   * namespace owners declaring them (a Set per port, not per owner: projects repeat a few ports), and the port ranges
   * each owner's namespace declares, for the owners that declare some
   */
  private readonly ownersByPort = new Map<number, Set<string>>();
  private readonly rangesByOwner = new Map<string, PortRange[]>();

  constructor(graph: PortGraph) {
    const declaredRanges: [PortRange, string][] = [];
    const publishedRanges: [PortRange, string][] = [];
    const put = (map: Map<number, string[]>, ranges: [PortRange, string][], range: PortRange, service: string): void => {
      if (range.start !== range.end) ranges.push([range, service]);
      else {
        // services come one at a time, so a repeat of this one can only be the last entry
        const list = map.get(range.start);
        if (!list) map.set(range.start, [service]);
        else if (list[list.length - 1] !== service) list.push(service);
      }
    };
    const declare = (range: PortRange, service: string): void => {
      put(this.declared, declaredRanges, range, service);
      const owner = graph.namespace(service).owner;
      if (range.start === range.end) {
        const owners = this.ownersByPort.get(range.start);
        if (owners) owners.add(owner);
        else this.ownersByPort.set(range.start, new Set([owner]));
      } else {
        const ranges = this.rangesByOwner.get(owner);
        if (ranges) ranges.push(range);
        else this.rangesByOwner.set(owner, [range]);
      }
    };
    for (const s of graph.model.services.values()) {
      for (const p of s.ports) if (!p.invalid && !p.unknown && p.protocol === 'tcp') declare(p.target.value, s.name);
      for (const e of s.expose) if (!e.invalid && !e.unknown && e.protocol === 'tcp') declare(e.ports, s.name);
      for (const b of graph.publishedOnHost(s.name)) if (b.protocol === 'tcp') put(this.published, publishedRanges, b.published!.value, s.name);
    }
    this.declaredRanges = new RangeIndex(declaredRanges);
    this.publishedRanges = new RangeIndex(publishedRanges);
  }

  /** The services declaring TCP container port `port`, sorted. */
  declaring(port: number): string[] {
    return PortIndex.lookup(this.declared, this.declaredRanges, port);
  }

  /** Whether a service of the namespace owned by `owner` (see Namespace) declares TCP container port `port`. */
  declaredInNamespace(owner: string, port: number): boolean {
    return this.ownersByPort.get(port)?.has(owner) === true || this.rangesByOwner.get(owner)?.some((r) => inRange(r, port)) === true;
  }

  /** The services publishing TCP host port `port`, sorted. */
  publishing(port: number): string[] {
    return PortIndex.lookup(this.published, this.publishedRanges, port);
  }

  private static lookup(map: Map<number, string[]>, ranges: RangeIndex<string>, port: number): string[] {
    const out = new Set(map.get(port) ?? []);
    ranges.containing(port, (service) => out.add(service));
    return [...out].sort();
  }
}

/**
 * What a loopback reference (`isLoopbackName(ref.name)`) means, as LoopbackMeaning says: by its port first, then
 * by the names its variable and URL scheme hint at.
 */
export function loopbackMeaning(graph: PortGraph, ports: PortIndex, ref: Reference): LoopbackMeaning {
  const ns = graph.namespace(ref.source);
  if (ns.kind === 'host' && !ns.broken) return hostLoopback(graph, ports, ref);
  if (ns.broken || (ns.kind !== undefined && ns.kind !== 'joined' && ns.kind !== 'bridge')) return { kind: 'unknown' };
  if (ref.kind === 'healthcheck') return { kind: 'own' };
  if (ref.variable !== undefined && BROWSER_VARIABLE.test(ref.variable)) return { kind: 'browser' };
  const own = (s: string): boolean => graph.namespace(s).owner === ns.owner;
  if (ref.port !== undefined) {
    if (ports.declaredInNamespace(ns.owner, ref.port)) return { kind: 'own' };
    const declaring = ports.declaring(ref.port);
    if (declaring.length) return { kind: 'other', by: 'port', targets: declaring };
    const publishing = ports.publishing(ref.port).filter((s) => !own(s));
    if (publishing.length) return { kind: 'other', by: 'published', targets: publishing, targetPort: containerPortBehind(graph, publishing[0], ref.port)?.port };
  }
  const hinted = new Set(namesHinted(ref.variable, ref.scheme).flatMap((n) => graph.ownersOf(n)));
  if ([...hinted].some(own)) return { kind: 'own' };
  const targets = [...hinted].filter((s) => !own(s)).sort();
  return targets.length ? { kind: 'other', by: 'name', targets } : { kind: 'unknown' };
}

/**
 * A loopback reference from the host's network: the host's own port `ref.port`. What listens there of the project
 * is a port published on the host (Docker docs "Published ports": the host port forwards to the container), or a
 * host-network service's own port; a container port of a service on its own network is not on the host at all.
 */
function hostLoopback(graph: PortGraph, ports: PortIndex, ref: Reference): LoopbackMeaning {
  if (ref.port === undefined || ref.kind === 'healthcheck' || ports.publishing(ref.port).length) return { kind: 'host' };
  const declaring = ports.declaring(ref.port);
  const onHost = (s: string): boolean => graph.namespace(s).kind === 'host';
  if (declaring.length === 0 || declaring.some(onHost)) return { kind: 'host' };
  // where the host reaches the container port: a published port, or a host range mapped one to one onto a container range
  const hostPorts = declaring.flatMap((s) =>
    graph.publishedOnHost(s).flatMap((b) => {
      const t = b.target.value;
      const p = b.published!.value;
      if (b.protocol !== 'tcp' || !inRange(t, ref.port!) || (p.end - p.start !== t.end - t.start && p.start !== p.end)) return [];
      return [p.start + (ref.port! - t.start)];
    }),
  );
  const meaning: LoopbackMeaning = { kind: 'host-miss', targets: declaring };
  if (declaring.length === 1 && hostPorts.length === 1) meaning.hostPort = hostPorts[0];
  return meaning;
}

/**
 * The names by which a container may reach the machine it runs on: `host.docker.internal` (Docker Desktop adds
 * it to every container; a Linux Docker engine only through `extra_hosts: ["host.docker.internal:host-gateway"]`,
 * Docker docs "Networking: connect to a service on the host") and `host.containers.internal` (Podman adds it,
 * podman-run(1) --add-host, and host.docker.internal from 4.7): the engine facts decide which the target adds.
 */
export function isHostInternalName(name: string): boolean {
  const lower = name.toLowerCase();
  return lower === 'host.docker.internal' || lower === 'host.containers.internal';
}
