import type { Span } from '../source/span';
import { deepFreeze } from './freeze';
import { DEFAULT_ENGINE, engineHas, type EngineFactId, type EngineTarget } from './engine-target';
import { creationOf, type Creation } from './creation';
import { driverPublishes, gatewayOf } from './gateway';
import { unaddressedBindIp } from './binding-ip';
import { compareProjectSpans, startOrder } from './order';
import { collectClaims, collectPools, earliestConflicts, listening, poolCollisions, type PortClaim, type PortConflict } from './port-claims';
import { formatPortRange } from '../syntax/compose';
import { referencesOf, type Reference } from './references';
import { addressValue } from './address';
import { hostPortsPerContainer } from './ports';
import { containerPortBehind, isHostInternalName, isLoopbackName, loopbackMeaning, PortIndex, type LoopbackMeaning } from './loopback';
import { joinPath, namespacesOf, type Namespace } from './namespaces';
import type { Address, Cidr, Located, Model, Network, PortBinding, Protocol, Service, ServiceKey, ServiceNetwork } from './types';

export type { ServiceKey } from './types';

export type { Reference } from './references';
export type { PortClaim, PortConflict } from './port-claims';
export type { Creation } from './creation';
export type { LoopbackMeaning } from './loopback';
export type { Isolation, Namespace } from './namespaces';

/**
 * What becomes of one `ports` entry when the service starts (Compose on one engine; in a stack, Swarm):
 * - bound: the engine binds it on the host (`ephemeral`: a bare container port, on a host port the engine picks);
 *   `replicasBound`, in Compose, when a host range for one container port (a pool, see ports.ts) is narrower than the
 *   service's replica count: each container takes one free port of it, so only that many replicas bind and start, and
 *   each of the others fails to start with "all ports are allocated" (libnetwork portallocator ErrAllPortsAllocated;
 *   seen on Docker 20.10: `42781-42782:80` with 3 replicas starts 2, issue 13 seeds 45, 123, 158, 159, 181);
 * - discarded: the engine never binds it: `host` and `none` network modes discard ports (the engine warns),
 *   a service that joins another's namespace (`joined`, `owner` says whose) has none of its own, and an
 *   entry that is `invalid` or `unknown` (an unset variable) is not known to bind;
 * - conflict: another claim on the same host address, port and protocol starts first (start order, then file
 *   order), so this bind fails: the engine refuses the container ("port is already allocated");
 * - uncertain: whether it binds depends on the engine's state, not on the project (`why` says how): a pool that
 *   collides with some, not all, of the fixed host ports of its own container (port-claims.ts poolCollisions;
 *   `collidesWith` is the first of those entries' claims);
 *   a pool whose every port the container's fixed ones take is a `conflict` with the first of them;
 * - unreachable: the engine binds nothing, though the container starts (so no conflict either): its gateway
 *   network (graph.gateway) publishes its ports, and it has none when it is only on `internal` networks
 *   (`only-internal`), or its gateway is a macvlan or ipvlan network (`gateway-driver`, `network` says which).
 *   Seen on Docker 20.10: two containers on an internal network publishing one host port both start. In a stack,
 *   only `mode: host` ports of a service only on internal networks (ingress ports go through Swarm's ingress network).
 */
export type BindingOutcome =
  | { kind: 'bound'; ephemeral: boolean; replicasBound?: number }
  | { kind: 'discarded'; why: 'host' | 'none' | 'joined' | 'invalid' | 'unknown'; owner?: string }
  | { kind: 'conflict'; lostTo: PortConflict }
  | { kind: 'uncertain'; why: string; collidesWith: PortClaim }
  | { kind: 'unreachable'; why: 'only-internal' }
  | { kind: 'unreachable'; why: 'gateway-driver'; network: string };

/** One `ports` entry of a service and its outcome. */
export interface BindingAnswer {
  service: string;
  /** the entry's index in the service's `ports` */
  index: number;
  binding: PortBinding;
  outcome: BindingOutcome;
}

/** Whether two services can exchange packets, and why, in words for probe reports. */
export interface Connection {
  connected: boolean;
  /** same namespace, network_mode none, host network, both/only one on the default bridge, shared: <networks>, no shared network */
  why: string;
}

/** `hostname`: the daemon adds a container's hostname as an alias on each user-defined network it joins (moby#39204). */
export type NameKind = 'service' | 'container_name' | 'alias' | 'tasks' | 'link' | 'container' | 'hostname';

/** A name by which a service can be found on one network. */
export interface NameEntry {
  name: string;
  kind: NameKind;
  service: string;
  network: string;
  /** where the name is written; the service key for its own name */
  span: Span;
  origin?: Span;
  /** link aliases resolve only for the linking service */
  onlyFor?: string;
}

/** A service joined to a network: the endpoint Docker creates. */
export interface Attachment {
  service: string;
  network: string;
  spec: ServiceNetwork;
  names: NameEntry[];
  ipv4?: Located<Address>;
  ipv6?: Located<Address>;
}

export interface Resolution {
  service: string;
  /** the network it is found on; `bridge` for /etc/hosts entries from links on the default bridge */
  network: string;
  via: NameEntry;
}

/**
 * The network graph: built once from the model, frozen, and indexed so every question the rules
 * and the probe planner ask is answered from maps. The predicates here are the single source of
 * truth for both lint findings and probe expectations.
 */
export class NetworkGraph {
  readonly model: Model;
  /** the engine the project is linted for (see engine-target.ts); the graph's version-dependent answers follow it */
  readonly engine: EngineTarget;
  readonly services: ReadonlyMap<string, Service>;
  readonly networks: ReadonlyMap<string, Network>;
  readonly references: readonly Reference[];
  private readonly namespaces: ReadonlyMap<string, Namespace>;
  private readonly containerNames = new Map<string, string>();
  private readonly attachmentsByService = new Map<string, Attachment[]>();
  private readonly attachmentsByNetwork = new Map<string, Attachment[]>();
  /** network -> name -> entries */
  private readonly nameIndex = new Map<string, Map<string, NameEntry[]>>();
  /**
   * every name any service of the project is known by, anywhere, lower-cased (DNS ignores case) -> that service, or a
   * Set of them when several own it: most names have one owner, and a Set apiece weighed 5 MB at 10,000 services
   */
  private readonly owners = new Map<string, string | Set<string>>();
  private readonly referencesBySource = new Map<string, Reference[]>();
  private readonly order: readonly string[];
  private readonly conflicts: readonly PortConflict[];
  private readonly outcomes = new Map<string, BindingAnswer[]>();
  /** the services whose containers are not created, and why */
  private readonly creations = new Map<string, Creation>();
  /** `service\0index` -> why which host port the entry gets depends on the engine (see bindingUncertainty) */
  private readonly uncertainty = new Map<string, string>();
  private readonly uncertainOutcome = new Map<object, { why: string; collidesWith: PortClaim }>();
  /** service -> its gateway endpoint (see gateway), for the services that have one: chosen once, as every published port asks */
  private readonly gateways = new Map<string, Attachment>();
  /** service -> why its gateway publishes none of its ports (see unpublished), for the services where it does not */
  private readonly unpublishedWhy = new Map<string, Extract<BindingOutcome, { kind: 'unreachable' }>>();
  private readonly portIndex: PortIndex;

  constructor(model: Model, narrow: (value: Located<string>, start: number, end: number) => Span, engine: EngineTarget = DEFAULT_ENGINE) {
    this.model = model;
    this.engine = engine;
    this.services = model.services;
    this.networks = model.networks;
    for (const s of model.services.values()) if (s.containerName && !s.containerName.unknown) this.containerNames.set(s.containerName.value, s.name);
    this.namespaces = namespacesOf(model, this.containerNames);
    for (const service of model.services.values()) this.attach(service);
    this.addLinks();
    // before the port claims, which ask for each service's published ports; a service's gateway before why it publishes nothing
    for (const name of model.services.keys()) {
      const gateway = this.chooseGateway(name);
      if (gateway) this.gateways.set(name, gateway);
      const why = this.whyUnpublished(name);
      if (why) this.unpublishedWhy.set(name, why);
    }
    const references: Reference[] = [];
    for (const service of model.services.values()) {
      const refs = referencesOf(service, narrow);
      if (refs.length === 0) continue;
      // kept: a copy sized to the list (referencesOf pushes, which reserves 17 slots)
      this.referencesBySource.set(service.name, refs.slice());
      for (const r of refs) references.push(r);
    }
    this.references = references;
    this.order = startOrder(model, (s) => this.joinedService(s));
    const claimContext = { model, published: (s: string) => this.publishedOnHost(s), onHostNetwork: (s: string) => model.mode === 'compose' && this.namespace(s).kind === 'host' };
    const claims = collectClaims(claimContext);
    const inFile = [...claims].sort((a, b) => compareProjectSpans(model, a.at.span, b.at.span));
    // who loses a bind: the claim whose service starts later; within one service, the later entry
    const position = new Map(this.order.map((s, i) => [s, i]));
    const inStart = inFile
      .map((c, i) => ({ c, i }))
      .sort((a, b) => position.get(a.c.service)! - position.get(b.c.service)! || a.i - b.i)
      .map((x) => x.c);
    const inStartOrder = earliestConflicts(inStart);
    // a pool against its own container's fixed ports: a sure conflict, or an outcome the engine's state decides
    const collisions = poolCollisions(collectPools(claimContext), claims);
    const sure = collisions.filter((x) => x.covered).map(({ pool, others: [other] }) => ({ claim: pool, other, start: Math.max(pool.start, other.start), end: Math.min(pool.end, other.end) }));
    for (const { pool, others, covered } of collisions) {
      const ports = `${formatPortRange({ start: pool.start, end: pool.end })}/${pool.protocol}`;
      const why = covered
        ? `every port of host range "${ports}" of "${pool.service}" is also published by another entry of the container, which cannot bind them all; which entry fails depends on the order the engine binds them in`
        : `host range "${ports}" of "${pool.service}" takes the next free port after the last one the engine handed out for it, which may be one another entry of the container publishes: whether it does depends on the engine's state`;
      for (const c of [pool, ...others]) if (c.binding !== undefined) this.uncertainty.set(`${c.service}\0${c.binding}`, why);
      if (!covered) this.uncertainOutcome.set(pool.entry, { why, collidesWith: others[0] });
    }
    // docker stack deploy ignores depends_on: there the later entry in the files is the one reported
    this.conflicts = model.mode === 'compose' ? [...inStartOrder, ...sure] : earliestConflicts(inFile);
    const losers = new Map([...inStartOrder, ...sure].filter((x) => x.claim.kind === 'published').map((x) => [x.claim.entry, x]));
    for (const service of model.services.values())
      this.outcomes.set(
        service.name,
        service.ports.map((binding, index) => ({ service: service.name, index, binding, outcome: this.outcomeOf(service.name, binding, losers.get(binding)) })),
      );
    // only the services that are not created: the others share CREATED
    for (const name of model.services.keys()) {
      const creation = creationOf(this, name);
      if (!creation.created) this.creations.set(name, creation);
    }
    this.portIndex = new PortIndex(this);
    deepFreeze(this);
  }

  /** Whether a version-dependent fact of ENGINE_FACTS (engine-target.ts) holds on the engine the graph was built for. */
  engineHas(id: EngineFactId): boolean {
    return engineHas(this.engine, id);
  }

  private attach(service: Service): void {
    const stack = this.model.mode === 'stack';
    const mode = stack ? undefined : service.networkMode?.value;
    const attachments = mode?.kind === 'network' && this.model.networks.has(mode.target!) ? [{ name: mode.target!, span: service.networkMode!.span, implicit: false, aliases: [], linkLocalIps: [] }] : service.networks;
    const list = attachments.map((spec): Attachment => {
      const network = spec.name;
      const names: NameEntry[] = [];
      const add = (name: string, kind: NameKind, span: Span, origin?: Span): void => {
        const entry: NameEntry = { name, kind, service: service.name, network, span };
        if (origin) entry.origin = origin;
        names.push(entry);
      };
      add(service.name, 'service', service.span);
      if (service.containerName && !service.containerName.unknown && !stack) add(service.containerName.value, 'container_name', service.containerName.span, service.containerName.origin);
      for (const alias of spec.aliases) if (!alias.unknown) add(alias.value, 'alias', alias.span, alias.origin);
      // the daemon adds the hostname as an alias on every user-defined network (moby#39204; seen on Docker 20.10,
      // also on networks connected later); Compose sets it only from `hostname`. Not modelled for stacks.
      const hostname = stack || !this.engineHas('hostname-resolves') ? undefined : knownHostname(service);
      if (hostname && !names.some((n) => n.name.toLowerCase() === hostname.value.toLowerCase())) add(hostname.value, 'hostname', hostname.span, hostname.origin);
      if (stack) add(`tasks.${service.name}`, 'tasks', service.span);
      // the graph keeps the list: a copy sized to it, as a push onto [] reserves 17 slots
      const attachment: Attachment = { service: service.name, network, spec, names: names.slice() };
      if (spec.ipv4Address) attachment.ipv4 = spec.ipv4Address;
      if (spec.ipv6Address) attachment.ipv6 = spec.ipv6Address;
      const onNetwork = this.attachmentsByNetwork.get(network);
      if (onNetwork) onNetwork.push(attachment);
      else this.attachmentsByNetwork.set(network, [attachment]);
      for (const entry of names) this.index(entry);
      return attachment;
    });
    this.attachmentsByService.set(service.name, list);
    this.own(service.name, service.name);
    if (service.containerName && !service.containerName.unknown) this.own(service.containerName.value, service.name);
    if (stack) this.own(`tasks.${service.name}`, service.name);
  }

  private own(name: string, service: string): void {
    const key = name.toLowerCase();
    const known = this.owners.get(key);
    if (known === undefined) this.owners.set(key, service);
    else if (typeof known === 'string') {
      if (known !== service) this.owners.set(key, new Set([known, service]));
    } else known.add(service);
  }

  private index(entry: NameEntry): void {
    if (!this.nameIndex.has(entry.network)) this.nameIndex.set(entry.network, new Map());
    const byName = this.nameIndex.get(entry.network)!;
    const key = entry.name.toLowerCase();
    // a list starts as a literal of its first entry, sized to it: a push onto [] reserves 17 slots, and most names have one entry
    const list = byName.get(key);
    if (list) list.push(entry);
    else byName.set(key, [entry]);
    this.own(entry.name, entry.service);
  }

  /** Legacy links: on the default bridge they write /etc/hosts; on user-defined networks they add an alias only the linking service sees. */
  private addLinks(): void {
    if (this.model.mode === 'stack') return; // docker stack deploy ignores links
    for (const service of this.model.services.values()) {
      for (const link of service.links) {
        if (!this.model.services.has(link.service)) continue;
        if (this.namespace(service.name).kind === 'bridge') {
          if (this.namespace(link.service).kind !== 'bridge') continue;
          // /etc/hosts gets the link name and the container's name (Compose's getLinks, moby's legacy links), not the service name
          // and the target's hostname between them: "<ip> <alias> <hostname> <container name>" (seen on Docker 20.10)
          const target = this.model.services.get(link.service)!;
          const written = [link.alias, knownHostname(target)?.value, target.containerName && !target.containerName.unknown ? target.containerName.value : undefined];
          const names = written.filter((n, i): n is string => n !== undefined && written.findIndex((m) => m?.toLowerCase() === n.toLowerCase()) === i);
          for (const name of names) this.index({ name, kind: 'link', service: link.service, network: 'bridge', span: link.span, onlyFor: service.name });
          continue;
        }
        for (const shared of this.sharedNetworks(service.name, link.service)) {
          if (link.alias !== link.service) this.index({ name: link.alias, kind: 'link', service: link.service, network: shared, span: link.span, onlyFor: service.name });
        }
      }
    }
  }

  namespace(service: string): Namespace {
    return this.namespaces.get(service) ?? { owner: service };
  }

  /** The service whose namespace `service` joins directly: `service:X`, or `container:X` where X is a project service's `container_name` (none in a stack). */
  joinedService(service: string): string | undefined {
    if (this.model.mode === 'stack') return undefined;
    const mode = this.model.services.get(service)?.networkMode?.value;
    if (mode?.kind === 'service') return mode.target;
    if (mode?.kind === 'container') return this.containerNames.get(mode.target!);
    return undefined;
  }

  /**
   * The `service:` path from `service` to its namespace owner, `[service, …, owner]`, or for a cycle up to and including
   * the first service met twice (`[a, b, a]`); see joinPath in namespaces.ts. Costs the length of the path: for messages.
   */
  joinPath(service: string): string[] {
    return joinPath(
      service,
      (s) => this.joinedService(s),
      (s) => this.services.has(s),
    );
  }

  /** Where a top-level key of a service is written, for rules that blame an option the typed model does not carry. */
  serviceKey(service: string, key: string): ServiceKey | undefined {
    return this.model.services.get(service)?.keys.get(key);
  }

  /** The endpoints of a service: its own, or its namespace owner's when it joined another service. */
  attachments(service: string): readonly Attachment[] {
    return this.attachmentsByService.get(this.namespace(service).owner) ?? [];
  }

  /** The endpoints a service declares itself (empty for `service:` joiners). */
  ownAttachments(service: string): readonly Attachment[] {
    return this.attachmentsByService.get(service) ?? [];
  }

  attachmentsOn(network: string): readonly Attachment[] {
    return this.attachmentsByNetwork.get(network) ?? [];
  }

  /** Names registered on a network, each with the services it resolves to there. */
  namesOn(network: string): ReadonlyMap<string, readonly NameEntry[]> {
    return this.nameIndex.get(network) ?? new Map();
  }

  /** Whether a name belongs to this project (a service, container name, alias or link alias), as opposed to an outside host. */
  isProjectName(name: string): boolean {
    return this.owners.has(name.toLowerCase());
  }

  /**
   * The services a project name belongs to anywhere, in any case (DNS ignores case): as service name, `container_name`,
   * alias or link alias on any network, or `tasks.<service>` in stack mode; sorted. Empty exactly when `isProjectName` is false.
   */
  ownersOf(name: string): string[] {
    const known = this.owners.get(name.toLowerCase());
    return known === undefined ? [] : typeof known === 'string' ? [known] : [...known].sort();
  }

  /** The `extra_hosts` entry that writes a name into a service's /etc/hosts (its namespace owner's for `service:` joiners), if any. */
  extraHost(service: string, name: string): Service['extraHosts'][number] | undefined {
    const key = name.toLowerCase();
    return this.services.get(this.namespace(service).owner)?.extraHosts.find((h) => h.host.toLowerCase() === key);
  }

  /** The user-defined networks two services (by namespace) both have endpoints on. */
  sharedNetworks(a: string, b: string): string[] {
    const theirs = new Set(this.attachments(b).map((x) => x.network));
    return this.attachments(a)
      .map((x) => x.network)
      .filter((n) => theirs.has(n));
  }

  /**
   * Which services a name reaches from a source service, and on which network. Empty when it does not resolve to
   * a service of the project: not at all, or to the address an `extra_hosts` entry gives (see extraHost). The
   * source's /etc/hosts comes first, in the order Docker writes it (seen on Docker 20.10): `extra_hosts`, then
   * its own hostname (and the part before the first dot), then legacy links; then the embedded DNS of its networks.
   */
  resolves(source: string, name: string): Resolution[] {
    const ns = this.namespace(source);
    if (ns.kind === 'host' || ns.kind === 'none' || ns.broken) return [];
    if (this.extraHost(source, name)) return [];
    const own = this.ownHostname(ns.owner, name);
    if (own) return [own];
    const link = this.userNetworkLink(ns.owner, name);
    if (link) return link;
    const key = name.toLowerCase();
    const out: Resolution[] = [];
    if (ns.kind === 'bridge') this.resolveOn('bridge', key, source, ns.owner, out);
    else for (const a of this.attachments(source)) this.resolveOn(a.network, key, source, ns.owner, out);
    return out.length > 1 ? out.sort((x, y) => (x.service < y.service ? -1 : x.service > y.service ? 1 : x.network < y.network ? -1 : 1)) : out;
  }

  /** Adds to `out` what the lower-cased name `key` resolves to on one network, as `source` (of namespace `owner`) sees it. */
  private resolveOn(network: string, key: string, source: string, owner: string, out: Resolution[]): void {
    const entries = this.nameIndex.get(network)?.get(key);
    if (!entries) return;
    for (const entry of entries) {
      if (entry.onlyFor !== undefined && entry.onlyFor !== owner && entry.onlyFor !== source) continue;
      out.push({ service: entry.service, network, via: entry });
    }
  }

  /**
   * What a legacy link's name gives a linker on user-defined networks, where a link is no /etc/hosts line but an alias
   * of each of the linker's endpoints (Compose passes the links in every endpoint's config; moby's
   * buildCreateEndpointOptions makes each one libnetwork's CreateOptionAlias(target container, name)). The embedded DNS
   * looks a name up as such an alias on every endpoint first and then skips, for the ordinary lookup, every endpoint
   * carrying it (libnetwork sandbox resolveName): so the name reaches only the linked container, on the networks
   * both share, and nothing at all when it shares none; it never falls through to another service's name, alias or
   * hostname. Seen on Docker 20.10 (issue 13, seeds 26 and 164): `a` links `b`, which is on the host network, and `c`
   * has hostname `b`: from `a`, `b` is NXDOMAIN. Compose links only to containers that exist, so a link to a
   * service that is not created (creation.ts) adds no alias. Undefined when `name` is no link name of `owner` on a
   * user network; the last link of a name wins (the endpoint keeps one target per alias).
   */
  private userNetworkLink(owner: string, name: string): Resolution[] | undefined {
    if (this.model.mode === 'stack' || this.namespace(owner).kind !== undefined || this.namespace(owner).joins !== undefined) return undefined;
    const key = name.toLowerCase();
    const link = this.services
      .get(owner)
      ?.links.filter((l) => l.alias.toLowerCase() === key && this.services.has(l.service) && this.creation(l.service).created)
      .at(-1);
    if (!link) return undefined;
    const theirs = new Set(this.ownAttachments(link.service).map((a) => a.network));
    return this.ownAttachments(owner)
      .filter((a) => theirs.has(a.network))
      .sort((x, y) => (x.network < y.network ? -1 : 1))
      .map((a) => ({ service: link.service, network: a.network, via: { name: link.alias, kind: 'link', service: link.service, network: a.network, span: link.span, onlyFor: owner } }));
  }

  /** The source's own /etc/hosts line for its hostname, when `name` is that hostname or the part before its first dot. */
  private ownHostname(owner: string, name: string): Resolution | undefined {
    const service = this.services.get(owner);
    const hostname = service && this.model.mode === 'compose' ? knownHostname(service) : undefined;
    if (!hostname) return undefined;
    const key = name.toLowerCase();
    const full = hostname.value.toLowerCase();
    if (key !== full && key !== full.split('.')[0]) return undefined;
    const network = this.namespace(owner).kind === 'bridge' ? 'bridge' : (this.attachments(owner)[0]?.network ?? 'bridge');
    return { service: owner, network, via: { name: hostname.value, kind: 'hostname', service: owner, network, span: hostname.span, ...(hostname.origin ? { origin: hostname.origin } : {}) } };
  }

  /**
   * Whether two services can exchange packets: the same namespace, or a shared network (the default bridge counts),
   * or, on an engine that isolates networks by name only (fact `networks-isolated-by-name-only`), a routed network
   * each (see routedThroughHost): the host forwards between them, so addresses reach across networks.
   */
  connected(a: string, b: string): boolean {
    const na = this.namespace(a);
    const nb = this.namespace(b);
    if (na.broken || nb.broken || na.kind === 'none' || nb.kind === 'none') return na.owner === nb.owner && !na.broken && !nb.broken && na.kind !== 'none';
    if (na.owner === nb.owner) return true;
    if (na.kind === 'host' || nb.kind === 'host') return na.kind === 'host' && nb.kind === 'host';
    if (na.kind === 'bridge' || nb.kind === 'bridge') return na.kind === nb.kind;
    return this.sharedNetworks(a, b).length > 0 || this.routedAcross(a, b);
  }

  /** Whether two services sharing no network still reach each other's addresses through the host (see connected). */
  private routedAcross(a: string, b: string): boolean {
    return this.engineHas('networks-isolated-by-name-only') && this.routedThroughHost(a) && this.routedThroughHost(b);
  }

  /**
   * Whether a service (by namespace) has an endpoint whose traffic to other networks the host forwards when networks are
   * isolated by name only: a non-external, non-internal bridge network without netavark's `isolate` driver option (`true` or
   * `strict`, podman-network-create(1)). An internal network has no route off its subnet; a network whose settings an
   * unset variable decides counts as isolated.
   */
  private routedThroughHost(service: string): boolean {
    return this.attachments(service).some((a) => {
      const n = this.networks.get(a.network);
      const isolate = n?.driverOpts.get('isolate');
      return !!n && n.external?.value !== true && n.driver === 'bridge' && !n.driverUnknown && n.internal?.value !== true && !n.internal?.unknown && !(isolate && (isolate.unknown || /^(true|strict)$/i.test(isolate.value)));
    });
  }

  /**
   * Port bindings that really open a port on the host: not under host networking, none, or a joined namespace,
   * nor (Compose) for a container whose gateway network publishes nothing (see BindingOutcome `unreachable`).
   */
  publishedOnHost(service: string): PortBinding[] {
    const s = this.services.get(service);
    const ns = this.namespace(service);
    if (!s || ns.kind === 'host' || ns.kind === 'none' || ns.joins !== undefined || (this.model.mode === 'compose' && this.unpublished(service))) return [];
    return s.ports.filter((p) => !p.invalid && !p.unknown && p.published !== undefined);
  }

  /** Like `publishedOnHost`, plus bare container ports, which Docker publishes on an ephemeral host port (Swarm: one from 30000-32767). */
  hostBindings(service: string): PortBinding[] {
    const s = this.services.get(service);
    const ns = this.namespace(service);
    if (!s || ns.kind === 'host' || ns.kind === 'none' || ns.joins !== undefined) return [];
    return s.ports.filter((p) => !p.invalid && !p.unknown);
  }

  /**
   * The endpoint a Compose container's default route and published ports go through (see gateway.ts for Docker's
   * order): one of its (namespace owner's) attachments to a declared network; undefined when all are `internal`,
   * when it has none of its own (default bridge, host, none, joined namespace), and in a stack.
   */
  gateway(service: string): Attachment | undefined {
    return this.gateways.get(service);
  }

  /** `gateway` as the constructor computes it, once per service. */
  private chooseGateway(service: string): Attachment | undefined {
    if (this.model.mode !== 'compose') return undefined;
    const candidates = this.attachments(service).flatMap((a) => {
      const network = this.networks.get(a.network);
      return network ? [{ spec: a.spec, network, ipv6: this.ipv6Enabled(a.network), attachment: a }] : [];
    });
    return (gatewayOf(candidates, this.engineHas('gw-priority')) as (typeof candidates)[number] | undefined)?.attachment;
  }

  /** Why a Compose container's gateway publishes none of its ports (see BindingOutcome `unreachable`), if it does not. */
  private unpublished(service: string): Extract<BindingOutcome, { kind: 'unreachable' }> | undefined {
    return this.unpublishedWhy.get(service);
  }

  /** `unpublished` as the constructor computes it, once per service (after the service's gateway). */
  private whyUnpublished(service: string): Extract<BindingOutcome, { kind: 'unreachable' }> | undefined {
    const ns = this.namespace(service);
    if (this.model.mode !== 'compose' || ns.kind !== undefined || ns.broken) return undefined;
    if (this.onlyInternal(service)) return { kind: 'unreachable', why: 'only-internal' };
    const gateway = this.gateway(service);
    const driver = gateway && this.networks.get(gateway.network)!;
    if (driver && !driver.driverUnknown && !driverPublishes(driver.driver)) return { kind: 'unreachable', why: 'gateway-driver', network: gateway.network };
    return undefined;
  }

  /**
   * Whether the host reaches a service at host port `port`/`protocol` because the service lives in the host's own
   * network namespace (Compose `network_mode: host`) and listens there: its process listens on the ports it declares
   * (`ports[].target`, `expose`, the listener claims of port-claims.ts), which are host ports under host networking.
   * So `ports: ["8080:8080"]` on a host-network service is discarded, yet the host reaches it at 8080. False otherwise.
   */
  listensOnHost(service: string, port: number, protocol: Protocol): boolean {
    const s = this.services.get(service);
    const ns = this.namespace(service);
    if (!s || this.model.mode !== 'compose' || ns.kind !== 'host' || ns.joins !== undefined) return false;
    return listening(s.expose, s.ports).some((d) => d.protocol === protocol && d.start <= port && port <= d.end);
  }

  /**
   * Whether Compose (or docker stack deploy) creates a declared network: only when a service of the project
   * attaches to it (`networks`, or `network_mode` naming it). compose-go `WithoutUnnecessaryResources` drops the
   * networks no service uses before `docker compose up` creates any; docker/cli `cli/command/stack` creates only
   * the networks its services use (`getServicesDeclaredNetworks`). An external network is never created.
   */
  networkCreated(network: string): boolean {
    const n = this.networks.get(network);
    return !!n && n.external?.value !== true && this.attachmentsOn(network).length > 0;
  }

  /**
   * Where a `ports` entry of a service without a host IP binds, when a network's `host_binding_ipv4` option moves it
   * off the wildcards: see binding-ip.ts (Compose only; undefined when it binds every interface, or cannot be told).
   */
  unaddressedBindIp(service: string): Located<Address> | undefined {
    if (this.model.mode === 'stack') return undefined;
    // the gateway network publishes the ports (gateway.ts): its option decides, when the model knows which it is
    const gateway = this.gateway(service);
    const networks = gateway ? [this.networks.get(gateway.network)!] : this.attachments(service).flatMap((a) => this.networks.get(a.network) ?? []);
    return unaddressedBindIp(networks.filter((n) => n.internal?.value !== true));
  }

  /** Whether every network a service (by namespace) is on is `internal`, so nothing it publishes is reachable. */
  onlyInternal(service: string): boolean {
    const attachments = this.attachments(service);
    return attachments.length > 0 && attachments.every((a) => this.networks.get(a.network)?.internal?.value === true);
  }

  /**
   * Whether a network has IPv6: `enable_ipv6: true`, or the driver option `com.docker.network.enable_ipv6` the engine
   * also reads; with neither, whether an IPv6 subnet in its IPAM config enables it on the target engine (fact
   * `ipv6-subnet-enables-ipv6`: Docker 25.0.0 to 25.0.2), else false; undefined when an unset variable decides it or
   * the network is external.
   */
  ipv6Enabled(network: string): boolean | undefined {
    const n = this.networks.get(network);
    if (!n || n.external?.value === true) return undefined;
    const flag = n.enableIpv6 ?? n.driverOpts.get('com.docker.network.enable_ipv6');
    if (flag?.unknown) return undefined;
    if (flag === undefined) return this.engineHas('ipv6-subnet-enables-ipv6') && this.hasIpv6Subnet(network);
    return flag.value === true || String(flag.value).toLowerCase() === 'true';
  }

  /**
   * Whether a written subnet only asks for a size: on Docker 29.0 and later (fact `subnet-size-request`,
   * moby/moby#50114) `0.0.0.0/24` or `::/96` requests a subnet of that prefix length from the default address pools,
   * so it names no addresses and overlaps nothing; before, it is taken literally (checked on 20.10).
   */
  isSizeRequest(subnet: Cidr): boolean {
    return subnet.range !== undefined && addressValue(subnet.range[0]) === 0n && this.engineHas('subnet-size-request');
  }

  /** Whether a network's IPAM config writes an IPv6 subnet (a known, well-formed one). */
  hasIpv6Subnet(network: string): boolean {
    return this.networks.get(network)?.ipam.some((c) => c.subnet && !c.subnet.unknown && c.subnet.value.family === 'ipv6' && c.subnet.value.range !== undefined) ?? false;
  }

  private outcomeOf(service: string, binding: PortBinding, lost: PortConflict | undefined): BindingOutcome {
    const ns = this.namespace(service);
    if (ns.kind === 'host' || ns.kind === 'none') return { kind: 'discarded', why: ns.kind };
    if (ns.joins !== undefined) return { kind: 'discarded', why: 'joined', owner: ns.owner };
    if (binding.invalid) return { kind: 'discarded', why: 'invalid' };
    if (binding.unknown) return { kind: 'discarded', why: 'unknown' };
    if (lost) return { kind: 'conflict', lostTo: lost };
    const uncertain = this.uncertainOutcome.get(binding);
    if (uncertain) return { kind: 'uncertain', ...uncertain };
    if (this.model.mode === 'stack') {
      // a stack's ingress-mode ports go through the routing mesh's ingress network, which is never internal
      if (this.onlyInternal(service) && binding.mode !== 'ingress') return { kind: 'unreachable', why: 'only-internal' };
    } else {
      const unpublished = this.unpublished(service);
      if (unpublished) return unpublished;
    }
    const pool = binding.published && hostPortsPerContainer(binding.published.value, binding.target.value) === 1 ? binding.published.value.end - binding.published.value.start + 1 : undefined;
    const replicas = this.services.get(service)?.replicas.count;
    if (this.model.mode === 'compose' && pool !== undefined && pool > 1 && replicas !== undefined && replicas > pool) return { kind: 'bound', ephemeral: false, replicasBound: pool };
    return binding.published === undefined ? BOUND_EPHEMERAL : BOUND;
  }

  /**
   * Every `ports` entry of a service with its outcome (see BindingOutcome), in the order written; empty for
   * a service the project does not have.
   */
  bindings(service: string): readonly BindingAnswer[] {
    return this.outcomes.get(service) ?? [];
  }

  /**
   * Why which host ports entry `index` of a service's `ports` really gets depends on the engine rather than the project,
   * when it does: a pool and the fixed entries of its own container that it collides with (port-claims.ts
   * poolCollisions), whether or not the container is sure to fail. A probe cannot confirm any one answer for them.
   * Undefined otherwise.
   */
  bindingUncertainty(service: string, index: number): string | undefined {
    return this.uncertainty.get(`${service}\0${index}`);
  }

  /** The outcome of entry `index` of a service's `ports`; undefined when there is no such entry. */
  bindingOutcome(service: string, index: number): BindingOutcome | undefined {
    return this.outcomes.get(service)?.[index]?.outcome;
  }

  /**
   * The host port conflicts of the project, one per offending entry, each against the earliest entry it collides
   * with: published ports on the same host address (a wildcard takes them all), port and protocol, and in Compose
   * the ports a host-network service listens on. Earliest in Compose is in start order (startOrder, then file
   * order within a service): the offending entry is the one whose container starts later and fails to bind (or,
   * for a host-network service, fails to listen); in a stack, which ignores depends_on, in file order (compareSpans).
   */
  portConflicts(): readonly PortConflict[] {
    return this.conflicts;
  }

  /**
   * Whether the containers of a service are created, and if not, who refuses them (Compose, or the engine
   * for a stack) with the message it prints, or that it is scaled to 0: see Creation (creation.ts) for the
   * cases and their sources. `{ created: true }` for a service the project does not have.
   */
  creation(service: string): Creation {
    return this.creations.get(service) ?? CREATED;
  }

  /** The services in the order Compose creates and starts them (see order.ts): dependencies first, then file order. */
  startOrder(): readonly string[] {
    return this.order;
  }

  /** Orders two spans by the project's file order, then line and column: the order findings and "first" claims use. */
  compareSpans(a: Span, b: Span): number {
    return compareProjectSpans(this.model, a, b);
  }

  /** `connected(a, b)` with the reason, for reports that show why the model predicts it. */
  connection(a: string, b: string): Connection {
    const connected = this.connected(a, b);
    const na = this.namespace(a);
    const nb = this.namespace(b);
    let why: string;
    if (na.owner === nb.owner) why = 'same namespace';
    else if (na.kind === 'none' || nb.kind === 'none') why = 'network_mode none';
    else if (na.kind === 'host' || nb.kind === 'host') why = 'host network';
    else if (na.kind === 'bridge' || nb.kind === 'bridge') why = na.kind === nb.kind ? 'both on the default bridge' : 'only one on the default bridge';
    else {
      const shared = this.sharedNetworks(a, b);
      why = shared.length ? `shared: ${shared.join(', ')}` : connected ? `no shared network; ${this.engine.name} routes between networks through the host` : 'no shared network';
    }
    return { connected, why };
  }

  referencesFrom(service: string): readonly Reference[] {
    return this.referencesBySource.get(service) ?? [];
  }

  /**
   * What a reference to a loopback name or address (`localhost`, 127.0.0.0/8, `::1`, 0.0.0.0 in a URL: see
   * loopback.ts) reaches and whether another service was meant (LoopbackMeaning); undefined for other names.
   */
  loopback(ref: Reference): LoopbackMeaning | undefined {
    return isLoopbackName(ref.name) ? loopbackMeaning(this, this.portIndex, ref) : undefined;
  }

  /** Whether a service's namespace (it, and the services sharing it) declares TCP container port `port` in `ports` or `expose`. */
  listensOn(service: string, port: number): boolean {
    return this.portIndex.declaredInNamespace(this.namespace(service).owner, port);
  }

  /** The container port behind TCP host port `hostPort` that a service publishes, and its `ports` entry (see loopback.ts); undefined when none does. */
  containerPortBehind(service: string, hostPort: number): { port: number; binding: PortBinding } | undefined {
    return containerPortBehind(this, service, hostPort);
  }

  /**
   * Whether a name for the host (`host.docker.internal`, `host.containers.internal`: see loopback.ts) resolves in a
   * service: through its namespace's `extra_hosts`, or on an engine that adds it itself (engine facts
   * `host-internal-names` for host.docker.internal: Docker Desktop, Podman 4.7+; `host-containers-internal`: Podman).
   * Undefined for other names.
   */
  hostInternalResolves(service: string, name: string): boolean | undefined {
    if (!isHostInternalName(name)) return undefined;
    if (this.extraHost(service, name)) return true;
    return this.engineHas(name.toLowerCase() === 'host.docker.internal' ? 'host-internal-names' : 'host-containers-internal');
  }
}

const CREATED: Creation = Object.freeze({ created: true });
// the outcome of most entries, shared by them
const BOUND: BindingOutcome = Object.freeze({ kind: 'bound', ephemeral: false });
const BOUND_EPHEMERAL: BindingOutcome = Object.freeze({ kind: 'bound', ephemeral: true });

/** A service's `hostname` when known (no unset variable decides it). */
function knownHostname(service: Service): Located<string> | undefined {
  return service.hostname && !service.hostname.unknown && service.hostname.value !== '' ? service.hostname : undefined;
}
