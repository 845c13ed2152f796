import * as net from 'node:net';
import type Docker from 'dockerode';
import { BUILTIN_IPAM_DRIVERS, isBuiltinIpamDriver } from '../model/drivers';
import type { NetworkGraph } from '../model/graph';
import type { Service } from '../model/types';
import { PROJECT_LABEL, REPLICA_LABEL, RUN_LABEL, SERVICE_LABEL, type Engine } from './engine';
import { listenPorts, twinReplicas, unbuildable, type ListenPort } from './plan';
import type { Publishing } from './publish';
import { listenerIdentity, LISTENER, resolverSpec } from './scripts';
import type { EngineEvent } from './types';
import { checkAborted, dockerSafe, errorLine, mapLimit, runAfter, sortTail } from './util';
import { createVeth } from './veth';

export { REPLICA_CAP, twinReplicas } from './plan';
/** The control listener's port inside a container namespace; joiners count down from it. */
const CONTROL_PORT = 39_999;
/** Network drivers the twin builds: built into the engine (a plugin name is never passed). */
const DRIVERS = new Set(['bridge', 'overlay', 'macvlan', 'ipvlan']);

export interface TwinContainer {
  service: string;
  replica: number;
  name: string;
  id?: string;
  running: boolean;
  /** the loopback control listener */
  controlPort: number;
  listen: ListenPort[];
  /** IPv4 address by graph network key (`bridge` for the default bridge) */
  addresses: Map<string, string>;
  /** the service whose namespace this container joins (its addresses are that service's) */
  joins?: string;
  /** host ports the engine bound, by container port (`80/tcp`), from the container's inspect after start */
  hostPorts?: HostPorts;
  /** attach and real modes: the application container whose namespace this sidecar joins, by name */
  probes?: string;
}

/** Host bindings by container port and protocol (`80/tcp`): each host address and port the engine bound for it. */
export type HostPorts = Map<string, { hostIp: string; port: number }[]>;

/** Reads `NetworkSettings.Ports` of a container inspect: `{ "80/tcp": [{ HostIp, HostPort }] }`, null for a port only exposed. */
export function readHostPorts(ports: Record<string, { HostIp?: string; HostPort?: string }[] | null> | undefined): HostPorts {
  const out: HostPorts = new Map();
  for (const [key, list] of Object.entries(ports ?? {})) {
    const bound = (list ?? []).filter((b) => /^\d+$/.test(b.HostPort ?? '')).map((b) => ({ hostIp: b.HostIp ?? '', port: Number(b.HostPort) }));
    out.set(key, bound);
  }
  return out;
}

export interface TwinNetwork {
  key: string;
  dockerName: string;
  id?: string;
  /** false for an external network used as it is (--use-external) */
  created: boolean;
  failed?: string;
}

export interface Twin {
  run: string;
  project: string;
  labels: Record<string, string>;
  containers: TwinContainer[];
  networks: Map<string, TwinNetwork>;
  veths: string[];
  /** Swarm services (stack mode), by service name */
  swarmServices: Map<string, { id: string; name: string; vips: Map<string, string> }>;
  /** services with no running twin, and why */
  excluded: Map<string, string>;
  events: EngineEvent[];
  notes: string[];
}

export interface BuildOptions {
  engine: Engine;
  graph: NetworkGraph;
  run: string;
  image: string;
  useExternal: boolean;
  /** what the twin publishes, and where (lib/probe/publish.ts) */
  publishing: Publishing;
  signal?: AbortSignal;
  progress: (text: string) => void;
}

/** A twin not built yet; every object it creates carries `labels` besides the run and project labels (the owner's, see owner.ts). */
export function newTwin(run: string, project: string, labels: Record<string, string> = {}): Twin {
  return {
    run,
    project,
    labels: { ...labels, [RUN_LABEL]: run, [PROJECT_LABEL]: project },
    containers: [],
    networks: new Map(),
    veths: [],
    swarmServices: new Map(),
    excluded: new Map(),
    events: [],
    notes: [],
  };
}

/** The first replica's container of a service, when it runs. */
export function firstContainer(twin: Twin, service: string): TwinContainer | undefined {
  return twin.containers.find((c) => c.service === service && c.replica === 1 && c.running && c.id);
}

/** Network keys a service's containers join (their namespace owner's), in the order Compose connects them. */
export function orderedAttachments(graph: NetworkGraph, service: string): string[] {
  const list = [...graph.ownAttachments(service)];
  return list
    .map((a, i) => ({ a, i }))
    .sort((x, y) => (y.a.spec.priority?.value ?? 0) - (x.a.spec.priority?.value ?? 0) || x.i - y.i)
    .map((x) => x.a.network);
}

/** How many networks, or services' containers, the twin creates at once: the engine's calls mostly wait. */
export const CREATE_CONCURRENCY = 6;

/**
 * Whether creating a network can change what the engine gives another: a fixed IPAM config (two
 * overlapping subnets: the later one is refused) and a macvlan/ipvlan parent. Such a network is
 * created after every earlier one; the others only after the earlier fixed ones (an address pool the
 * engine picks could take a fixed subnet's range), so the outcome is the one of creating them in order.
 */
function ordersOthers(graph: NetworkGraph, key: string): boolean {
  const network = graph.networks.get(key)!;
  return network.ipam.length > 0 || network.driver === 'macvlan' || network.driver === 'ipvlan';
}

/**
 * Creates the project's networks for the run (stand-ins for external ones unless `--use-external`),
 * CREATE_CONCURRENCY at a time, with the outcome of creating them in the order of `keys` (ordersOthers).
 */
export async function createNetworks(options: BuildOptions, twin: Twin, keys: string[], stack: boolean): Promise<void> {
  const { engine, graph } = options;
  const firstEvent = twin.events.length;
  for (const key of keys) twin.networks.set(key, { key, dockerName: graph.networks.get(key)!.dockerName, created: true });
  const fixed = keys.map((k) => ordersOthers(graph, k));
  // what each network adds to the notes, kept in the order of `keys`
  const notes = keys.map((): string[] => []);
  const after = (i: number): number[] => keys.map((_, j) => j).filter((j) => j < i && (fixed[i] || fixed[j]));
  await runAfter(keys, CREATE_CONCURRENCY, after, async (key, index) => {
    checkAborted(options.signal);
    const network = graph.networks.get(key)!;
    const entry = twin.networks.get(key)!;
    if (network.external?.value) {
      if (options.useExternal) {
        try {
          const found = (await engine.docker.getNetwork(network.dockerName).inspect()) as { Id: string; Name: string };
          entry.id = found.Id;
          entry.created = false;
          notes[index].push(`external network "${network.dockerName}" is used as it is (--use-external); it is not removed`);
        } catch (error) {
          entry.failed = `external network "${network.dockerName}" does not exist on the engine (${errorLine(error)})`;
        }
        return;
      }
      notes[index].push(`external network "${key}" ("${network.dockerName}") stands in as a fresh ${stack ? 'overlay' : 'bridge'} network for this run; give --use-external to attach to the real one`);
    }
    const driver = network.external?.value ? (stack ? 'overlay' : 'bridge') : network.driver;
    if (!DRIVERS.has(driver)) {
      entry.failed = `network "${key}" uses driver "${driver}", which the probe does not build`;
      return;
    }
    // any other IPAM driver name makes the daemon look a plugin up, by a path it builds from the name
    const ipamDriver = (!network.external?.value && network.ipamDriver?.value) || 'default';
    if (!isBuiltinIpamDriver(ipamDriver)) {
      entry.failed = `network "${key}" uses IPAM driver "${ipamDriver}"; the probe passes the engine only its built-in IPAM drivers (${BUILTIN_IPAM_DRIVERS.map((d) => `"${d}"`).join(', ')}), never a name it would look up as a plugin`;
      return;
    }
    const optionsOut: Record<string, string> = {};
    if (!network.external?.value) {
      for (const [name, value] of network.driverOpts) {
        if (name === 'parent' || name === 'com.docker.network.bridge.name') continue;
        if (name === 'com.docker.network.bridge.host_binding_ipv4' && !value.value.startsWith('127.')) continue;
        optionsOut[name] = value.value;
      }
    }
    if (driver === 'macvlan' || driver === 'ipvlan') {
      if (!engine.local) {
        entry.failed = `network "${key}" (${driver}) needs a parent interface on the engine's machine; the engine is remote`;
        return;
      }
      try {
        const parent = await createVeth(twin.run, index);
        twin.veths.push(parent);
        optionsOut.parent = parent;
        const given = network.driverOpts.get('parent')?.value;
        notes[index].push(`${driver} network "${key}": parent ${given ? `"${given}" is replaced by` : 'is'} veth "${parent}", created for this run`);
      } catch (error) {
        entry.failed = `network "${key}" (${driver}): cannot create a veth parent (${errorLine(error)})`;
        return;
      }
    }
    const ipamConfig = network.external?.value
      ? []
      : network.ipam.flatMap((c) => {
          const out: Record<string, unknown> = {};
          if (c.subnet?.value.range) out.Subnet = c.subnet.value.text;
          if (c.ipRange?.value.range) out.IPRange = c.ipRange.value.text;
          if (c.gateway?.value.ip) out.Gateway = c.gateway.value.text;
          const aux = Object.fromEntries(c.auxAddresses.filter((a) => a.address.value.ip).map((a) => [a.name, a.address.value.text]));
          if (Object.keys(aux).length) out.AuxiliaryAddresses = aux;
          return Object.keys(out).length ? [out] : [];
        });
    const name = `cnl-${twin.run}-${dockerSafe(network.dockerName)}`;
    try {
      const created = await engine.docker.createNetwork({
        Name: name,
        CheckDuplicate: true,
        Driver: driver,
        Internal: !network.external?.value && network.internal?.value === true,
        Attachable: stack ? true : network.attachable?.value === true,
        EnableIPv6: !network.external?.value && network.enableIpv6?.value === true,
        IPAM: { Driver: ipamDriver, Config: ipamConfig as Docker.IPAM['Config'] },
        Options: optionsOut,
        Labels: { ...twin.labels, 'com.compose-netlint.network': key },
      });
      entry.id = created.id;
      entry.dockerName = name;
    } catch (error) {
      entry.failed = `the engine refused network "${key}": ${errorLine(error)}`;
    }
    if (entry.failed) twin.events.push({ kind: 'network-failed', network: key, message: entry.failed });
  });
  twin.notes.push(...notes.flat());
  sortTail(twin.events, firstEvent, (e) => keys.indexOf(e.network ?? ''));
}

/**
 * The progress line after the networks: how many the twin really created (an external network used as
 * it is with --use-external, or one the twin refused or the engine failed, is not counted), and how many
 * it could not build. `what` is `network` or `overlay network`.
 */
export function createdNetworksLine(twin: Twin, what: string): string {
  const all = [...twin.networks.values()];
  const created = all.filter((n) => n.created && n.id && !n.failed).length;
  const failed = all.filter((n) => n.failed).length;
  return `created ${created} ${what}${created === 1 ? '' : 's'}${failed ? `; ${failed} could not be built` : ''}`;
}

/** Which graph networks a set of services needs. */
export function neededNetworks(graph: NetworkGraph, services: string[]): string[] {
  const keys: string[] = [];
  for (const s of services) {
    const ns = graph.namespace(s);
    if (ns.kind !== undefined || ns.joins !== undefined) continue;
    for (const key of orderedAttachments(graph, s)) if (!keys.includes(key) && graph.networks.has(key)) keys.push(key);
  }
  return keys;
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/**
 * The container's exposed ports and host port bindings as the twin gives them to the engine: on the
 * loopback addresses `publishing` chose, never on every interface, leaving out the `PORT/protocol` keys
 * in `drop`. HostPort is "" for a port the engine picks.
 */
export function portBindings(service: string, publishing: Publishing, drop: Set<string>): { exposed: Record<string, object>; bindings: Record<string, { HostIp: string; HostPort: string }[]> } {
  const exposed: Record<string, object> = {};
  const out: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const p of publishing.ports(service)) {
    const key = `${p.target}/${p.protocol}`;
    exposed[key] = {};
    if (p.hostPort && drop.has(`${p.hostPort}/${p.protocol}`)) continue;
    for (const address of p.addresses) (out[key] ??= []).push({ HostIp: address, HostPort: p.hostPort });
  }
  return { exposed, bindings: out };
}

/** Why a service's containers cannot start: a network of its namespace that could not be built; undefined when none. */
export function brokenNetwork(graph: NetworkGraph, twin: Twin, service: string): string | undefined {
  const ns = graph.namespace(service);
  if (ns.kind !== undefined) return undefined;
  return orderedAttachments(graph, ns.owner)
    .map((k) => twin.networks.get(k))
    .find((n) => n?.failed)?.failed;
}

/** Adds a service's `expose` entries to a container's ExposedPorts (`80/tcp`), at most 64 ports of a range. */
export function exposeInto(exposed: Record<string, object>, service: Service): void {
  for (const e of service.expose) {
    if (e.invalid || e.unknown) continue;
    for (let p = e.ports.start; p <= Math.min(e.ports.end, e.ports.start + 63); p++) exposed[`${p}/${e.protocol}`] = {};
  }
}

/**
 * Parses "Bind for 0.0.0.0:8080 failed: port is already allocated" and "listen tcp4 127.0.0.1:8080: bind: <reason>".
 * The first names no protocol (libnetwork portallocator's ErrPortAlreadyAllocated): it is read from `requested`, the
 * container's PortBindings (`"80/udp": [{ HostIp, HostPort }]`, HostPort a port or a range): the protocol of the bindings
 * that ask for that host port on that address or a wildcard; when both protocols do, the first of tcp, udp that is
 * not in `dropped` (`port/protocol` keys already taken out after an earlier failure); tcp without `requested`.
 */
export function bindFailure(
  message: string,
  requested: Record<string, readonly { HostIp: string; HostPort: string }[]> = {},
  dropped: ReadonlySet<string> = new Set(),
): { hostIp: string; port: number; protocol: 'tcp' | 'udp'; hostPort?: string } | undefined {
  if (/all ports are allocated/.test(message)) return exhaustedPool(requested, dropped);
  let m = /Bind for \[?([^\]\s]*?)\]?:(\d+) failed: port is already allocated/.exec(message);
  if (m) {
    const [hostIp, port] = [m[1], Number(m[2])];
    const wildcard = (ip: string): boolean => ip === '' || ip === '0.0.0.0' || ip === '::';
    const asking = new Set(
      Object.entries(requested).flatMap(([key, list]) =>
        list.some((b) => {
          const [start, end = start] = b.HostPort.split('-').map(Number);
          return port >= start && port <= end && (b.HostIp.replace(/^\[|\]$/g, '') === hostIp || wildcard(b.HostIp) || wildcard(hostIp));
        })
          ? [key.split('/')[1]]
          : [],
      ),
    );
    const protocol = asking.size === 1 ? [...asking][0] : (['tcp', 'udp'].find((p) => asking.has(p) && !dropped.has(`${port}/${p}`)) ?? 'tcp');
    return { hostIp, port, protocol: protocol as 'tcp' | 'udp' };
  }
  // any reason: in use, or an address the host does not have ("cannot assign requested address")
  m = /listen (tcp|udp)[46]? \[?([^\]\s]*?)\]?:(\d+): bind: /.exec(message);
  if (m) return { hostIp: m[2], port: Number(m[3]), protocol: m[1] as 'tcp' | 'udp' };
  return undefined;
}

/**
 * The pool behind "all ports are allocated" (libnetwork portallocator ErrAllPortsAllocated, which names no port): of the
 * requested host ranges for one container port, the one on the highest container port (the engine binds in descending
 * container-port order, so the first to find no free port is the highest) not yet in `dropped`; `port` is its first
 * port and `hostPort` the range as requested (`42781-42782`). Undefined when the container asks for no such range.
 */
function exhaustedPool(requested: Record<string, readonly { HostIp: string; HostPort: string }[]>, dropped: ReadonlySet<string>): { hostIp: string; port: number; protocol: 'tcp' | 'udp'; hostPort: string } | undefined {
  const pools = Object.entries(requested)
    .flatMap(([key, list]) => list.map((b) => ({ target: Number(key.split('/')[0]), protocol: key.split('/')[1], ...b })))
    .filter((b) => b.HostPort.includes('-') && (b.protocol === 'tcp' || b.protocol === 'udp') && !dropped.has(`${b.HostPort}/${b.protocol}`))
    .sort((a, b) => b.target - a.target);
  const pool = pools[0];
  return pool && { hostIp: pool.HostIp, port: Number(pool.HostPort.split('-')[0]), protocol: pool.protocol as 'tcp' | 'udp', hostPort: pool.HostPort };
}

/** Marks the services the twin cannot build (with why) and returns the others and the networks they need. */
export function buildablePart(graph: NetworkGraph, twin: Twin): { buildable: string[]; keys: string[] } {
  const services = [...graph.services.keys()];
  for (const s of services) {
    const why = unbuildable(graph, s);
    if (why) twin.excluded.set(s, why);
  }
  const buildable = services.filter((s) => !twin.excluded.has(s));
  return { buildable, keys: neededNetworks(graph, buildable) };
}

/**
 * What a service's container can take from another's when both start: its fixed host ports
 * (`PORT/protocol`: the later bind fails), its static addresses (`network|address`: the later is
 * refused), and, for a host-network service, the machine's loopback ports its control listener picks.
 */
function contested(graph: NetworkGraph, publishing: Publishing, name: string): string[] {
  const keys = publishing
    .ports(name)
    .filter((p) => p.hostPort)
    .map((p) => `${p.hostPort}/${p.protocol}`);
  for (const a of graph.ownAttachments(name)) {
    if (a.ipv4?.value.ip) keys.push(`${a.network}|${a.ipv4.value.text}`);
    if (a.ipv6?.value.ip) keys.push(`${a.network}|${a.ipv6.value.text}`);
  }
  if (graph.namespace(name).kind === 'host') keys.push('host-network');
  return keys;
}

/**
 * For each service of `ordered` (start order), the indexes of the earlier ones it must start after: the
 * namespace it joins, the services it links to or depends on, and the last earlier service contesting one
 * of its host ports or static addresses (contested), so that the containers come up CREATE_CONCURRENCY at
 * a time with the outcome of starting them one by one in start order.
 */
export function startAfter(graph: NetworkGraph, publishing: Publishing, ordered: string[]): number[][] {
  const index = new Map(ordered.map((s, i) => [s, i]));
  const holder = new Map<string, number>();
  return ordered.map((name, i) => {
    const s = graph.services.get(name)!;
    const ns = graph.namespace(name);
    const names = [...(ns.joins !== undefined ? [ns.owner] : []), ...s.links.map((l) => l.service), ...s.dependsOn.map((d) => d.value)];
    const out = new Set(names.map((n) => index.get(n)).filter((j): j is number => j !== undefined && j < i));
    for (const key of contested(graph, publishing, name)) {
      const j = holder.get(key);
      if (j !== undefined) out.add(j);
      holder.set(key, i);
    }
    return [...out].sort((a, b) => a - b);
  });
}

/**
 * Builds and starts the twin's containers for a Compose project: networks first, then the services'
 * containers CREATE_CONCURRENCY at a time in the order startAfter allows; containers, events and
 * exclusions are recorded in start order, as one by one would record them.
 */
export async function buildComposeTwin(options: BuildOptions, twin: Twin): Promise<void> {
  const { engine, graph } = options;
  const { buildable, keys } = buildablePart(graph, twin);
  await createNetworks(options, twin, keys, false);
  options.progress(createdNetworksLine(twin, 'network'));
  const wanted = new Set(buildable);
  const ordered = graph.startOrder().filter((s) => wanted.has(s));
  options.progress(`creating and starting containers for ${ordered.length} service${ordered.length === 1 ? '' : 's'}`);
  const rank = new Map(ordered.map((s, i) => [s, i]));
  const firstEvent = twin.events.length;
  const excludedBefore = new Map(twin.excluded);
  const joinersOf = new Map<string, number>();
  // control ports are handed out in start order, before anything runs
  const controls = ordered.map((name) => {
    const ns = graph.namespace(name);
    if (ns.joins === undefined) return undefined;
    // members of one namespace share its ports: each joiner gets its own control port
    const used = (joinersOf.get(ns.owner) ?? 0) + 1;
    joinersOf.set(ns.owner, used);
    return CONTROL_PORT - used;
  });
  for (const name of ordered) {
    const { wanted, built } = twinReplicas(graph.services.get(name)!);
    if (wanted > built) twin.notes.push(`"${name}" runs ${built} of its ${wanted} replicas in the twin`);
  }
  const after = startAfter(graph, options.publishing, ordered);
  try {
    await runAfter(
      ordered,
      CREATE_CONCURRENCY,
      (i) => after[i],
      async (name, i) => {
        checkAborted(options.signal);
        const service = graph.services.get(name)!;
        const ns = graph.namespace(name);
        if (twin.excluded.has(ns.owner) && ns.owner !== name) {
          twin.excluded.set(name, `it joins "${ns.owner}", which has no twin: ${twin.excluded.get(ns.owner)}`);
          return;
        }
        const broken = brokenNetwork(graph, twin, name);
        if (broken) {
          twin.excluded.set(name, broken);
          return;
        }
        const { built: replicas } = twinReplicas(service);
        for (let replica = 1; replica <= replicas; replica++) {
          checkAborted(options.signal);
          const control = ns.kind === 'host' ? await freeLoopbackPort() : (controls[i] ?? CONTROL_PORT);
          // replicas of a host-network service would fight over the same host ports: only the first listens
          const listen = ns.joins !== undefined || (ns.kind === 'host' && replica > 1) ? [] : listenPorts(service);
          const container: TwinContainer = {
            service: name,
            replica,
            name: `cnl-${twin.run}-${dockerSafe(twin.project)}-${dockerSafe(name)}-${replica}`,
            running: false,
            controlPort: control,
            listen,
            addresses: new Map(),
            ...(ns.joins !== undefined ? { joins: ns.owner } : {}),
          };
          twin.containers.push(container);
          await createAndStart(options, twin, service, container);
          if (!container.running && replica === 1) twin.excluded.set(name, lastEvent(twin, name)?.message ?? 'its container did not start');
        }
      },
    );
  } finally {
    // the record reads as if the services had started one by one, in start order
    const order = (service: string | undefined, replica = 0): number => (rank.get(service ?? '') ?? ordered.length) * 1000 + replica;
    sortTail(twin.containers, 0, (c) => order(c.service, c.replica));
    sortTail(twin.events, firstEvent, (e) => order(e.service, e.replica));
    const excluded = [...twin.excluded].filter(([s]) => !excludedBefore.has(s)).sort(([a], [b]) => order(a) - order(b));
    twin.excluded.clear();
    for (const [s, why] of [...excludedBefore, ...excluded]) twin.excluded.set(s, why);
  }
  await inspectAddresses(engine, twin, graph);
}

function lastEvent(twin: Twin, service: string): EngineEvent | undefined {
  return [...twin.events].reverse().find((e) => e.service === service && e.kind !== 'bind-failed');
}

/**
 * The endpoint a container of `service` gets on network `key`, as Compose gives it: the service name,
 * `container_name` and the network's aliases as DNS aliases, static addresses, link-local addresses and links.
 */
export function endpointConfig(graph: NetworkGraph, twin: Twin, service: Service, key: string, replica: number): Record<string, unknown> {
  const name = service.name;
  const attachment = graph.ownAttachments(name).find((a) => a.network === key)!;
  const aliases = [name];
  if (service.containerName && !service.containerName.unknown) aliases.push(service.containerName.value);
  for (const a of attachment.spec.aliases) if (!a.unknown) aliases.push(a.value);
  const config: Record<string, unknown> = { Aliases: [...new Set(aliases)] };
  const ipam: Record<string, unknown> = {};
  if (attachment.ipv4?.value.ip) ipam.IPv4Address = attachment.ipv4.value.text;
  if (attachment.ipv6?.value.ip) ipam.IPv6Address = attachment.ipv6.value.text.replace(/^\[|\]$/g, '');
  const linkLocal = attachment.spec.linkLocalIps.filter((l) => l.value.ip).map((l) => l.value.text);
  if (linkLocal.length) ipam.LinkLocalIPs = linkLocal;
  if (Object.keys(ipam).length) config.IPAMConfig = ipam;
  const links = linksFor(twin, graph, service, replica, false);
  if (links.length) config.Links = links;
  return config;
}

async function createAndStart(options: BuildOptions, twin: Twin, service: Service, container: TwinContainer): Promise<void> {
  const { engine, graph } = options;
  const name = service.name;
  const ns = graph.namespace(name);
  const networks = ns.kind === undefined && ns.joins === undefined ? orderedAttachments(graph, name) : [];
  let networkMode: string;
  if (ns.joins !== undefined) {
    const owner = twin.containers.find((c) => c.service === ns.owner && c.replica === 1 && c.running && c.id);
    if (!owner?.id) {
      twin.events.push({ kind: 'create-failed', service: name, replica: container.replica, message: `"${name}" joins "${ns.owner}", whose container is not running`, consequence: true });
      return;
    }
    networkMode = `container:${owner.id}`;
  } else if (ns.kind === 'host' || ns.kind === 'none' || ns.kind === 'bridge') networkMode = ns.kind;
  else networkMode = twin.networks.get(networks[0])?.dockerName ?? 'none';
  const containerMode = networkMode.startsWith('container:');
  const drop = new Set<string>();
  const endpoint = (key: string): Record<string, unknown> => endpointConfig(graph, twin, service, key, container.replica);
  // DNS stays on the machine: loopback first, where the twin's resolver answers NXDOMAIN at once
  // (scripts.ts, resolverSpec), and only those of the user's servers that are loopback addresses too
  const dns = ['127.0.0.1', ...service.dns.filter((d) => d.value.ip && d.value.text.startsWith('127.') && d.value.text !== '127.0.0.1').map((d) => d.value.text)];
  const extraHosts = service.extraHosts
    .filter((h) => h.address.value === 'host-gateway' || (h.address.value as { ip?: unknown }).ip)
    .map((h) => `${h.host}:${h.address.value === 'host-gateway' ? 'host-gateway' : (h.address.value as { text: string }).text.replace(/^\[|\]$/g, '')}`);
  const bindAddress = ns.kind === 'host' ? '127.0.0.1' : '0.0.0.0';
  const listening = container.listen.map((l) => `${l.protocol}:${l.port}`);
  const specs = [...listening, ...resolverSpec(listening, { hostNetwork: ns.kind === 'host', joiner: ns.joins !== undefined })];
  for (let attempt = 0; attempt < 16; attempt++) {
    checkAborted(options.signal);
    // the options the engine judges are passed as the user wrote them (it rejects some under
    // network_mode container:/host, which is itself an observation); only their values are made safe
    const ports = portBindings(name, options.publishing, drop);
    exposeInto(ports.exposed, service);
    const hostConfig: Record<string, unknown> = {
      NetworkMode: networkMode,
      PortBindings: ports.bindings,
      Privileged: false,
      RestartPolicy: { Name: 'no' },
      LogConfig: { Type: 'none', Config: {} },
    };
    if (!containerMode) hostConfig.Dns = dns;
    else if (service.dns.length) hostConfig.Dns = ['127.0.0.1'];
    if (extraHosts.length) hostConfig.ExtraHosts = extraHosts;
    if (ns.kind !== undefined || containerMode) {
      const links = linksFor(twin, graph, service, container.replica, ns.kind === 'bridge');
      if (links.length) hostConfig.Links = links;
    }
    const createOptions: Docker.ContainerCreateOptions = {
      name: container.name,
      Image: options.image,
      Entrypoint: ['sh', '-c', LISTENER, 'cnl-listen'],
      Cmd: [bindAddress, String(container.controlPort), ...specs],
      Env: [`CNL_ID=${listenerIdentity(name, twin.run)}`],
      Labels: { ...twin.labels, [SERVICE_LABEL]: name, [REPLICA_LABEL]: String(container.replica) },
      ExposedPorts: ports.exposed,
      HostConfig: hostConfig as Docker.HostConfig,
    };
    if (service.hostname && !service.hostname.unknown) createOptions.Hostname = service.hostname.value;
    if (networks.length && !containerMode) createOptions.NetworkingConfig = { EndpointsConfig: { [networkMode]: endpoint(networks[0]) as Docker.EndpointSettings } };
    let created: Docker.Container;
    try {
      created = await engine.docker.createContainer(createOptions);
      container.id = created.id;
    } catch (error) {
      twin.events.push({ kind: 'create-failed', service: name, replica: container.replica, message: `the engine refused the container of "${name}": ${errorLine(error)}` });
      return;
    }
    try {
      for (const key of networks.slice(1)) {
        const n = twin.networks.get(key)!;
        await engine.docker.getNetwork(n.id ?? n.dockerName).connect({ Container: created.id, EndpointConfig: endpoint(key) as Docker.EndpointSettings });
      }
    } catch (error) {
      twin.events.push({ kind: 'create-failed', service: name, replica: container.replica, message: `the engine refused to connect "${name}" to its networks: ${errorLine(error)}` });
      return;
    }
    try {
      await created.start();
      container.running = true;
      return;
    } catch (error) {
      const message = errorLine(error);
      const bind = bindFailure(message, ports.bindings, drop);
      if (!bind) {
        twin.events.push({ kind: 'start-failed', service: name, replica: container.replica, message: `"${name}" did not start: ${message}` });
        return;
      }
      twin.events.push({
        kind: 'bind-failed',
        service: name,
        replica: container.replica,
        port: bind.port,
        protocol: bind.protocol,
        hostIp: bind.hostIp,
        message: `"${name}"${container.replica > 1 ? ` (replica ${container.replica})` : ''} could not bind ${bind.hostIp || '*'}:${bind.hostPort ?? bind.port}/${bind.protocol}: ${message.replace(/^.*?: (Bind for|Error starting)/, '$1')}`,
      });
      const dropKey = `${bind.hostPort ?? bind.port}/${bind.protocol}`;
      if (drop.has(dropKey)) return;
      drop.add(dropKey);
      // as Compose would, the container stays down; the twin starts it again without that binding so its other paths can still be probed
      await created.remove({ force: true }).catch(() => undefined);
      container.id = undefined;
    }
  }
}

/**
 * Links as Compose writes them: for every running container of the linked service (a replica the engine refused to start would take the link name, and with it the name, from the running ones), the link's name plus
 * "<service>-<n>" and "<project>-<service>-<n>", n being the linking container's number. On the default
 * bridge (`hostsFile`) the engine also writes the linked container's own name into the linker's
 * /etc/hosts (moby's legacy links), which Compose sets to the target's `container_name` when it has one:
 * the twin's containers carry run-scoped names, so that name is passed as one more link name (issue 13,
 * cause 10). On a user network a link is a DNS alias of the linker's endpoint and the container's name
 * is no alias there, so it is not added (it would shadow that name on the network).
 */
function linksFor(twin: Twin, graph: NetworkGraph, service: Service, replica: number, hostsFile: boolean): string[] {
  const out: string[] = [];
  for (const link of service.links) {
    const containerName = graph.services.get(link.service)?.containerName;
    const own = hostsFile && containerName && !containerName.unknown ? [containerName.value] : [];
    for (const target of twin.containers.filter((c) => c.service === link.service && c.id && c.running)) {
      for (const name of [link.alias, `${link.service}-${replica}`, `${twin.project}-${link.service}-${replica}`, ...own]) out.push(`${target.name}:${name}`);
    }
  }
  return [...new Set(out)];
}

/** Reads each running container's addresses, keyed by the graph's network names, and the host ports the engine bound for it. */
export async function inspectAddresses(engine: Engine, twin: Twin, graph: NetworkGraph): Promise<void> {
  const byDockerName = new Map<string, string>();
  for (const n of twin.networks.values()) byDockerName.set(n.dockerName, n.key);
  await mapLimit(twin.containers, CREATE_CONCURRENCY, async (c) => {
    if (!c.id || !c.running) return;
    try {
      const info = (await engine.docker.getContainer(c.id).inspect()) as { State: { Running: boolean }; NetworkSettings: { Networks: Record<string, { IPAddress?: string }>; Ports?: Parameters<typeof readHostPorts>[0] } };
      c.running = info.State.Running;
      c.hostPorts = readHostPorts(info.NetworkSettings.Ports);
      for (const [dockerName, settings] of Object.entries(info.NetworkSettings.Networks ?? {})) {
        if (!settings.IPAddress) continue;
        const key = dockerName === 'bridge' ? 'bridge' : byDockerName.get(dockerName);
        if (key) c.addresses.set(key, settings.IPAddress);
      }
    } catch {
      c.running = false;
    }
  });
  // joiners share their owner's addresses
  for (const c of twin.containers) {
    const ns = graph.namespace(c.service);
    if (ns.joins === undefined) continue;
    const owner = twin.containers.find((o) => o.service === ns.owner && o.replica === 1);
    if (owner) for (const [k, v] of owner.addresses) c.addresses.set(k, v);
  }
}
