import type { Finding } from '../engine/finding';
import type { BindingOutcome, NetworkGraph } from '../model/graph';
import { bindingText, hostPortsPerContainer } from '../model/ports';
import { formatPortRange } from '../syntax/compose';
import type { PortBinding, PortRange, Protocol, Service } from '../model/types';
import type { Publishing } from './publish';
import type { Tool } from './scripts';
import type { ProbeCase, ProbeKind, Target } from './types';

/** What the planner needs to know beyond the graph. */
export interface PlanContext {
  graph: NetworkGraph;
  tools: ReadonlySet<Tool>;
  /** published ports land on this machine's loopback (the engine is local) */
  hostProbes: boolean;
  /** what the twin publishes, and on which loopback address */
  publishing: Publishing;
}

/** A port a twin container listens on. */
export interface ListenPort {
  port: number;
  protocol: 'tcp' | 'udp';
}

/** Ports of one range the twin listens on, and which of them are probed. */
const RANGE_LISTEN_CAP = 16;
/** Replicas the twin runs at most per service (the rest would only repeat the first). */
export const REPLICA_CAP = 3;

/** How many containers of a service a Compose twin runs: `wanted` as declared (global: 1 on one engine), `built` capped. */
export function twinReplicas(service: Service): { wanted: number; built: number } {
  const wanted = service.replicas.global ? 1 : (service.replicas.count ?? 1);
  return { wanted, built: Math.min(wanted, REPLICA_CAP) };
}

/** Names that can be handed to nslookup as they are: no option look-alikes, no odd characters. */
export function probeableName(name: string): boolean {
  return /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,252}[A-Za-z0-9_])?$/.test(name);
}

function rangePorts(range: PortRange, cap = RANGE_LISTEN_CAP): number[] {
  const out: number[] = [];
  for (let p = range.start; p <= range.end && out.length < cap; p++) out.push(p);
  if (range.end > range.start && out[out.length - 1] !== range.end) out.push(range.end);
  return out;
}

function probedPorts(range: PortRange): number[] {
  return range.end > range.start ? [range.start, range.end] : [range.start];
}

function isListenProtocol(p: Protocol): p is 'tcp' | 'udp' {
  return p === 'tcp' || p === 'udp';
}

/** Every port a service declares (`ports[].target`, `expose`), as listeners: all of a range up to a cap. */
export function listenPorts(service: Service): ListenPort[] {
  const seen = new Set<string>();
  const out: ListenPort[] = [];
  const add = (range: PortRange, protocol: Protocol): void => {
    if (!isListenProtocol(protocol)) return;
    for (const port of rangePorts(range)) {
      const key = `${port}/${protocol}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ port, protocol });
    }
  };
  for (const p of service.ports) if (!p.invalid && !p.unknown) add(p.target.value, p.protocol);
  for (const e of service.expose) if (!e.invalid && !e.unknown) add(e.ports, e.protocol);
  return out;
}

/** The declared ports the probe connects to: the first and last of each range. */
export function probePorts(service: Service): ListenPort[] {
  const seen = new Set<string>();
  const out: ListenPort[] = [];
  const add = (range: PortRange, protocol: Protocol): void => {
    if (!isListenProtocol(protocol)) return;
    for (const port of probedPorts(range)) {
      const key = `${port}/${protocol}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ port, protocol });
    }
  };
  for (const p of service.ports) if (!p.invalid && !p.unknown) add(p.target.value, p.protocol);
  for (const e of service.expose) if (!e.invalid && !e.unknown) add(e.ports, e.protocol);
  return out;
}

/**
 * Why Compose refuses the whole project before the engine sees it, if it does: the first error of the
 * loader's own Compose checks (`compose-load`: dependency cycles, container names in use, …), else the
 * first service (in file order) the model says Compose refuses (graph.creation: `network_mode` beside
 * `networks`, a `service:` cycle or a missing one, an undefined network). `file:line:column: message`.
 * A project Compose refuses has no twin: `docker compose up` creates nothing for it.
 */
export function composeRefusal(graph: NetworkGraph, findings: readonly Finding[]): string | undefined {
  if (graph.model.mode !== 'compose') return undefined;
  const load = findings.find((f) => f.ruleId === 'compose-load' && f.severity === 'error');
  if (load) return `${load.file}:${load.line}:${load.column}: ${load.message}`;
  for (const s of graph.services.values()) {
    const creation = graph.creation(s.name);
    if (creation.created || !('refusedBy' in creation) || creation.refusedBy !== 'compose') continue;
    // blame what Compose objects to: the network_mode, or the undefined network's entry
    const undefinedNetwork = creation.reason === 'undefined-network' ? s.networks.find((n) => !graph.networks.has(n.name) && !n.implicit) : undefined;
    const at = undefinedNetwork?.span ?? (creation.reason === 'undefined-network' ? undefined : s.networkMode?.span) ?? s.span;
    return `${at.file}:${at.line}:${at.column}: ${creation.message}`;
  }
  return undefined;
}

/**
 * Why a service gets no twin container, if it does not: first Docker's own answer (graph.creation: Compose or
 * the engine refuses it, or it is scaled to 0), then the twin's own limits (twinLimit). Undefined when it gets one.
 */
export function unbuildable(graph: NetworkGraph, service: string): string | undefined {
  const creation = graph.creation(service);
  if (!creation.created) {
    if (!('refusedBy' in creation)) return creation.message;
    const who = creation.refusedBy === 'compose' ? 'Compose refuses the project' : 'docker stack deploy refuses the stack';
    return `${who}: ${creation.message}`;
  }
  return twinLimit(graph, service);
}

/**
 * Why the twin does not build a service Docker would create: limits of the probe, not of Docker. Safety: the
 * probe never joins a container or network it did not create (`network_mode: container:<outside>` or an
 * undeclared network). A `network_mode` docker stack deploy ignores is no limit: the model puts the service on the
 * stack's default network, as docker/cli's convertServiceNetworks does, and the twin follows the model.
 */
function twinLimit(graph: NetworkGraph, service: string): string | undefined {
  const ns = graph.namespace(service);
  if (ns.kind === 'external-container') return `"${service}" joins a container outside the project; the probe never joins containers it did not create`;
  if (ns.kind === 'unknown-network') return `"${service}" uses network_mode with a network the project does not declare`;
  return undefined;
}

/** The names a source might use for another service: service names, container names, aliases, link aliases, hostnames, `tasks.<service>`. */
export function projectNames(graph: NetworkGraph): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  const add = (name: string): void => {
    const key = name.toLowerCase();
    if (seen.has(key)) return;
    seen.add(key);
    out.push(name);
  };
  for (const s of graph.services.values()) add(s.name);
  for (const s of graph.services.values()) if (s.containerName && !s.containerName.unknown && graph.model.mode === 'compose') add(s.containerName.value);
  const networks = [...graph.networks.keys(), 'bridge'];
  const entries = networks.flatMap((n) => [...graph.namesOn(n).values()].flat());
  const order = new Map([...graph.services.keys()].map((s, i) => [s, i]));
  entries.sort((a, b) => (order.get(a.service) ?? 0) - (order.get(b.service) ?? 0));
  for (const e of entries) if (e.kind === 'alias' || e.kind === 'link' || e.kind === 'hostname') add(e.name);
  for (const e of entries) if (e.kind === 'tasks') add(e.name);
  return out;
}

/** The host address a column names: the one written, unless it is every interface (none, 0.0.0.0) or 127.0.0.1. */
function columnAddress(binding: PortBinding): string {
  const text = binding.hostIp?.value.text.replace(/^\[|\]$/g, '');
  if (!text || text === '0.0.0.0' || text === '127.0.0.1') return '';
  return text.includes(':') ? `[${text}]:` : `${text}:`;
}

/**
 * Plans the probes from the graph's predicates: for every ordered pair of services, the
 * resolution of every project name, a connection to every declared port, and from the host
 * every published port. Each case carries the graph's prediction.
 */
export function planProbes(context: PlanContext): ProbeCase[] {
  const { graph, tools } = context;
  const cases: ProbeCase[] = [];
  const add = (kind: ProbeKind, source: string, column: string, target: Target, expect: boolean, basis: string, extra: Partial<ProbeCase> = {}): void => {
    cases.push({ id: cases.length + 1, kind, source, column, target, expect, basis, ...extra });
  };
  const services = [...graph.services.values()];
  const buildable = services.filter((s) => unbuildable(graph, s.name) === undefined);
  const names = projectNames(graph);
  const tcpTool = tools.has('socat') || tools.has('nc');

  // name resolution: every source that has a resolver the probe may use, every project name
  for (const source of buildable) {
    const ns = graph.namespace(source.name);
    const fromHostStack = ns.kind === 'host';
    for (const name of names) {
      const found = graph.resolves(source.name, name);
      const targets = [...new Set(found.map((r) => r.service))];
      // an extra_hosts line comes first in /etc/hosts: the name resolves, to an address outside the project
      const written = graph.extraHost(source.name, name);
      const basis = written
        ? `extraHost(${source.name}, "${name}") = ${written.address.value === 'host-gateway' ? 'host-gateway' : written.address.value.text}`
        : found.length
          ? `resolves(${source.name}, "${name}") = ${found.map((r) => `${r.service} on ${r.network}`).join(', ')}`
          : `resolves(${source.name}, "${name}") = nothing`;
      let skip: string | undefined;
      if (fromHostStack) skip = "a host-network container uses the host's resolver; the probe sends no query off the twin";
      else if (!probeableName(name)) skip = `"${name}" is not a host name the probe passes to nslookup`;
      else if (!tools.has('nslookup') || !tools.has('timeout')) skip = 'the probe image has no nslookup or timeout';
      add('dns', source.name, name, { via: 'name', name }, found.length > 0 || written !== undefined, basis, { expectServices: targets, ...(skip ? { skip } : {}) });
    }
  }

  // TCP and UDP between services, by address
  for (const source of buildable) {
    const sns = graph.namespace(source.name);
    for (const dest of buildable) {
      if (dest.name === source.name) continue;
      const dns = graph.namespace(dest.name);
      for (const { port, protocol } of probePorts(dest)) {
        const kind: ProbeKind = protocol;
        const column = `${dest.name}:${port}/${protocol}`;
        const { connected, why } = graph.connection(source.name, dest.name);
        const basis = `connected(${source.name}, ${dest.name}) = ${connected} (${why})`;
        let target: Target;
        let skip: string | undefined;
        if (sns.owner === dns.owner) target = { via: 'loopback', service: dest.name, port, protocol };
        else if (dns.kind === 'host') {
          target = { via: 'loopback', service: dest.name, port, protocol };
          if (sns.kind !== 'host') skip = `"${dest.name}" uses the host's network: it has no container address`;
        } else if (dns.kind === 'none') {
          target = { via: 'service', service: dest.name, port, protocol };
          skip = `"${dest.name}" has network_mode none: it has no address`;
        } else {
          const shared = graph.sharedNetworks(source.name, dest.name);
          const network = dns.kind === 'bridge' ? 'bridge' : (shared[0] ?? graph.attachments(dest.name)[0]?.network);
          target = { via: 'service', service: dest.name, port, protocol, ...(network ? { network } : {}) };
          if (sns.kind === 'host') skip = "from the host's network the graph does not model container addresses";
        }
        if (!skip && protocol === 'udp' && !tools.has('socat')) skip = 'the probe image has no socat (busybox nc cannot send UDP)';
        if (!skip && protocol === 'tcp' && !tcpTool) skip = 'the probe image has neither socat nor nc';
        add(kind, source.name, column, target, connected, basis, skip ? { skip } : {});
      }
    }
  }

  // loopback references: a connection to 127.0.0.1:PORT inside the source's own namespace; the path always exists,
  // and the twin answers exactly when that namespace declares the port (graph.listensOn), else it is refused
  for (const source of buildable) {
    const sns = graph.namespace(source.name);
    const seen = new Set<number>();
    for (const ref of graph.referencesFrom(source.name)) {
      if (ref.port === undefined || !graph.loopback(ref) || seen.has(ref.port)) continue;
      seen.add(ref.port);
      const listens = graph.listensOn(source.name, ref.port);
      let skip: string | undefined;
      if (sns.kind === 'host') skip = "a host-network container's loopback is the machine's; the probe sends nothing there";
      else if (!tcpTool) skip = 'the probe image has neither socat nor nc';
      const target: Target = { via: 'loopback', service: source.name, port: ref.port, protocol: 'tcp' };
      add('tcp', source.name, `loopback:${ref.port}/tcp`, target, true, `same namespace; listensOn(${source.name}, ${ref.port}) = ${listens}`, skip ? { skip } : {});
    }
  }

  // references by name to a host port the target publishes but does not listen on: a connection to that port of
  // the target, which has a path when they are connected and is refused there (graph.listensOn)
  for (const source of buildable) {
    const seen = new Set<string>();
    for (const ref of graph.referencesFrom(source.name)) {
      if (ref.port === undefined) continue;
      const targets = [...new Set(graph.resolves(source.name, ref.name).map((r) => r.service))];
      // only a host port the target publishes: what no-host-port-between-services claims
      if (targets.length !== 1 || graph.listensOn(targets[0], ref.port) || graph.containerPortBehind(targets[0], ref.port) === undefined || seen.has(`${targets[0]}:${ref.port}`)) continue;
      const dest = targets[0];
      seen.add(`${dest}:${ref.port}`);
      if (!buildable.some((s) => s.name === dest) || graph.namespace(dest).owner === graph.namespace(source.name).owner) continue;
      const dns = graph.namespace(dest);
      const shared = graph.sharedNetworks(source.name, dest);
      const network = dns.kind === 'bridge' ? 'bridge' : shared[0];
      const target: Target = { via: 'service', service: dest, port: ref.port, protocol: 'tcp', ...(network ? { network } : {}) };
      const { connected, why } = graph.connection(source.name, dest);
      add('tcp', source.name, `${dest}:${ref.port}/tcp`, target, connected, `connected(${source.name}, ${dest}) = ${connected} (${why}); listensOn(${dest}, ${ref.port}) = false`, tcpTool ? {} : { skip: 'the probe image has neither socat nor nc' });
    }
  }

  // from the host: every published port (a bare container port at the host port the engine picks), and the listeners of host-network services
  for (const dest of buildable) {
    const ns = graph.namespace(dest.name);
    for (const { index, binding, outcome } of graph.bindings(dest.name)) {
      if (binding.invalid || binding.unknown) continue;
      const ephemeral = !binding.published;
      const listed = outcome.kind !== 'discarded';
      const expect = outcome.kind === 'bound';
      const basis = `bindingOutcome(${dest.name}, "${bindingText(binding, { protocol: 'always' })}") = ${outcomeText(outcome)}`;
      const at = columnAddress(binding);
      // a fixed binding is probed at its host ports (see hostPorts); a bare one at the ports the engine picks for its container ports
      const ports: HostPort[] = ephemeral ? probedPorts(binding.target.value).map((port) => ({ host: 'ephemeral', target: port, lookup: port, ephemeralFor: port })) : hostPorts(graph, dest, binding, listed);
      for (const { host, target: port, lookup, ephemeralFor, replica, label: suffix, notBound } of ports) {
        const label = `${dest.name}:${at}${host}->${port}/${binding.protocol}${suffix ?? ''}`;
        // the twin binds it on loopback, on an address that keeps its collisions (publish.ts)
        const where = context.publishing.hostTarget(dest.name, index, lookup);
        let skip = 'skip' in where ? where.skip : notBound;
        const uncertain = graph.bindingUncertainty(dest.name, index);
        if (!skip && uncertain) skip = uncertain;
        if (!skip && outcome.kind === 'discarded' && ephemeral) skip = `the engine picks no host port for it (${discardedText(outcome)})`;
        if (!skip && !context.hostProbes) skip = 'the engine is not on this machine: its published ports are not on this loopback';
        if (!skip && !isListenProtocol(binding.protocol)) skip = `${binding.protocol} is not probed`;
        const address = 'address' in where ? where.address : '127.0.0.1';
        const target: Target = {
          via: 'host',
          service: dest.name,
          address,
          port: typeof host === 'number' ? host : 0,
          protocol: binding.protocol,
          binding: index,
          ...(ephemeralFor !== undefined ? { ephemeralFor } : {}),
          ...(replica ? { replica } : {}),
        };
        // a host-network service's mapping is discarded, but it listens on its container ports on the host itself
        const listener = !expect && typeof host === 'number' && graph.listensOnHost(dest.name, host, binding.protocol);
        add('host', 'host', label, target, expect || listener, listener ? `${basis}; listensOnHost(${dest.name}, ${host}/${binding.protocol})` : basis, skip ? { skip } : {});
      }
    }
    if (ns.kind === 'host' && ns.owner === dest.name) {
      for (const { port, protocol } of probePorts(dest)) {
        const skip = context.hostProbes ? undefined : 'the engine is not on this machine';
        add(
          'host',
          'host',
          `${dest.name}:${port}/${protocol} (host network)`,
          { via: 'host', service: dest.name, address: '127.0.0.1', port, protocol },
          true,
          `namespace(${dest.name}) is the host: it listens on the host's loopback`,
          skip ? { skip } : {},
        );
      }
    }
  }
  return cases;
}

/** A host port the plan probes for a binding: a port, or a range of which one replica's port is read once it runs. */
interface HostPort {
  /** the host port, or what stands for it in the column when the engine picks it (`ephemeralFor`) */
  host: number | string;
  /** the container port behind it */
  target: number;
  /** the port publish.ts knows it by: the host port, the first of a host range, a bare container port */
  lookup: number;
  /** the engine picks the host port for this container port: the probe reads it after start */
  ephemeralFor?: number;
  /** with `ephemeralFor`: whose port (default the first replica's) */
  replica?: number;
  /** added to the column */
  label?: string;
  /** why it is not probed */
  notBound?: string;
}

/**
 * The host ports of one binding the plan probes: both ends of a host port range. When the model
 * says the binding is published (`listed`) and it is a host range for one container port, each
 * container binds one port of it, chosen by the engine at start: the first and the last of the
 * twin's containers are probed on the port each bound, and the rest of the range, which the twin
 * does not bind, is not probed, with the reason. (A stack twin publishes nothing: publish.ts.)
 */
function hostPorts(graph: NetworkGraph, service: Service, binding: PortBinding, listed: boolean): HostPort[] {
  const p = binding.published!.value;
  const t = binding.target.value;
  const size = p.end - p.start + 1;
  const targetOf = (port: number): number => (t.end > t.start ? t.start + (port - p.start) : t.start);
  if (!listed || size === 1 || hostPortsPerContainer(p, t) > 1 || graph.model.mode === 'stack') {
    return probedPorts(p).map((port) => ({ host: port, target: targetOf(port), lookup: port }));
  }
  const range = `${p.start}-${p.end}`;
  const { wanted, built } = twinReplicas(service);
  const containers = Math.min(built, size);
  const out: HostPort[] = [...new Set([1, containers])].map((replica) => ({ host: range, target: t.start, lookup: p.start, ephemeralFor: t.start, replica, label: ` (replica ${replica})` }));
  if (containers < size) {
    const rest = size - containers;
    const runs = `the twin runs ${built} container${built === 1 ? '' : 's'} of "${service.name}"${wanted > built ? ` (of ${wanted} replicas)` : ''}`;
    out.push({
      host: range,
      target: t.start,
      lookup: p.start,
      label: rest === 1 ? ' (the other port)' : ` (the other ${rest} ports)`,
      notBound: `${runs}, and each container binds one port of the host range ${range}: ${rest === 1 ? 'the other one stays' : `the other ${rest} stay`} unbound`,
    });
  }
  return out;
}

/** A binding's outcome in the words of the plan's basis. */
function outcomeText(outcome: BindingOutcome): string {
  switch (outcome.kind) {
    case 'bound':
      return outcome.ephemeral ? 'bound on a host port the engine picks' : 'bound';
    case 'unreachable':
      return 'bound, but every network of the service is internal: published ports do not work';
    case 'conflict': {
      const { other, start, end } = outcome.lostTo;
      return `fails: host port "${formatPortRange({ start, end })}/${other.protocol}" is taken by "${other.service}"${other.kind === 'listener' ? ' (host network)' : ''}, which starts first`;
    }
    case 'discarded':
      return `discarded (${discardedText(outcome)})`;
    case 'uncertain':
      return `uncertain: ${outcome.why}`;
  }
}

function discardedText(outcome: Extract<BindingOutcome, { kind: 'discarded' }>): string {
  return `${DISCARDED[outcome.why]}${outcome.owner ? ` "${outcome.owner}"` : ''}`;
}

const DISCARDED: Record<Extract<BindingOutcome, { kind: 'discarded' }>['why'], string> = {
  host: 'host network: Docker discards ports',
  none: 'network_mode none',
  joined: 'it joins the namespace of',
  invalid: 'not a valid entry',
  unknown: 'an unset variable decides it',
};
