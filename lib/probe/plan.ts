import type { NetworkGraph } from '../model/graph';
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
      if (!seen.has(key)) seen.add(key), out.push({ port, protocol });
    }
  };
  for (const p of service.ports) if (!p.invalid && !p.unknown) add(p.target.value, p.protocol);
  for (const e of service.expose) if (!e.invalid && !e.unknown) add(e.ports, e.protocol);
  return out;
}

/** Why a service gets no twin container, if it does not. */
export function unbuildable(graph: NetworkGraph, service: string): string | undefined {
  const ns = graph.namespace(service);
  const s = graph.services.get(service)!;
  if (ns.broken === 'cycle') return `network_mode "service:" chain of "${service}" is a cycle`;
  if (ns.broken === 'missing') return `network_mode of "${service}" names a service that does not exist`;
  if (ns.kind === 'external-container') return `"${service}" joins a container outside the project; the probe never joins containers it did not create`;
  if (ns.kind === 'unknown-network') return `"${service}" uses network_mode with a network the project does not declare`;
  if (s.replicas.count === 0) return `"${service}" has 0 replicas`;
  if (graph.model.mode === 'stack') {
    const mode = s.networkMode?.value.kind;
    if (mode && mode !== 'host') return `docker stack deploy ignores network_mode "${s.networkMode!.value.kind}${s.networkMode!.value.target ? `:${s.networkMode!.value.target}` : ''}" of "${service}"; the twin cannot follow it`;
  }
  for (const a of graph.attachments(service)) {
    if (!graph.networks.has(a.network)) return `"${service}" attaches to network "${a.network}", which the project does not declare`;
  }
  return undefined;
}

/** The names a source might use for another service: service names, container names, aliases, link aliases, `tasks.<service>`. */
export function projectNames(graph: NetworkGraph): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  const add = (name: string): void => {
    const key = name.toLowerCase();
    if (!seen.has(key)) seen.add(key), out.push(name);
  };
  for (const s of graph.services.values()) add(s.name);
  for (const s of graph.services.values()) if (s.containerName && !s.containerName.unknown && graph.model.mode === 'compose') add(s.containerName.value);
  const networks = [...graph.networks.keys(), 'bridge'];
  const entries = networks.flatMap((n) => [...graph.namesOn(n).values()].flat());
  const order = new Map([...graph.services.keys()].map((s, i) => [s, i]));
  entries.sort((a, b) => (order.get(a.service) ?? 0) - (order.get(b.service) ?? 0));
  for (const e of entries) if (e.kind === 'alias' || e.kind === 'link') add(e.name);
  for (const e of entries) if (e.kind === 'tasks') add(e.name);
  return out;
}

/** The host address a column names: the one written, unless it is every interface (none, 0.0.0.0) or 127.0.0.1. */
function columnAddress(binding: PortBinding): string {
  const text = binding.hostIp?.value.text.replace(/^\[|\]$/g, '');
  if (!text || text === '0.0.0.0' || text === '127.0.0.1') return '';
  return text.includes(':') ? `[${text}]:` : `${text}:`;
}

function bindingText(binding: PortBinding): string {
  if (binding.text) return binding.text;
  const ip = binding.hostIp ? `${binding.hostIp.value.text}:` : '';
  const pub = binding.published ? `${binding.published.value.start}${binding.published.value.end > binding.published.value.start ? `-${binding.published.value.end}` : ''}:` : '';
  const t = binding.target.value;
  return `${ip}${pub}${t.start}${t.end > t.start ? `-${t.end}` : ''}/${binding.protocol}`;
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
      const basis = found.length
        ? `resolves(${source.name}, "${name}") = ${found.map((r) => `${r.service} on ${r.network}`).join(', ')}`
        : `resolves(${source.name}, "${name}") = nothing`;
      let skip: string | undefined;
      if (fromHostStack) skip = 'a host-network container uses the host\'s resolver; the probe sends no query off the twin';
      else if (!probeableName(name)) skip = `"${name}" is not a host name the probe passes to nslookup`;
      else if (!tools.has('nslookup') || !tools.has('timeout')) skip = 'the probe image has no nslookup or timeout';
      add('dns', source.name, name, { via: 'name', name }, found.length > 0, basis, { expectServices: targets, ...(skip ? { skip } : {}) });
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
        const connected = graph.connected(source.name, dest.name);
        const basis = `connected(${source.name}, ${dest.name}) = ${connected}${connectedWhy(graph, source.name, dest.name)}`;
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
          if (sns.kind === 'host') skip = 'from the host\'s network the graph does not model container addresses';
        }
        if (!skip && protocol === 'udp' && !tools.has('socat')) skip = 'the probe image has no socat (busybox nc cannot send UDP)';
        if (!skip && protocol === 'tcp' && !tcpTool) skip = 'the probe image has neither socat nor nc';
        add(kind, source.name, column, target, connected, basis, skip ? { skip } : {});
      }
    }
  }

  // from the host: every published port (a bare container port at the host port the engine picks), and the listeners of host-network services
  for (const dest of buildable) {
    const ns = graph.namespace(dest.name);
    const published = new Set(graph.publishedOnHost(dest.name));
    const bound = new Set(graph.hostBindings(dest.name));
    const internal = graph.onlyInternal(dest.name);
    const why = ns.kind === 'host' ? 'host network: Docker discards ports' : ns.kind === 'none' ? 'network_mode none' : ns.chain.length ? `joins ${ns.owner}` : 'not published';
    dest.ports.forEach((binding, index) => {
      if (binding.invalid || binding.unknown) return;
      const ephemeral = !binding.published;
      const predicate = ephemeral ? 'hostBindings' : 'publishedOnHost';
      const listed = (ephemeral ? bound : published).has(binding);
      const expect = listed && !internal;
      const basis = !listed
        ? `${predicate}(${dest.name}) leaves "${bindingText(binding)}" out (${why})`
        : internal
          ? `onlyInternal(${dest.name}) = true: published ports do not work`
          : `${predicate}(${dest.name}) includes "${bindingText(binding)}"${ephemeral ? ' on a host port the engine picks' : ''}`;
      const at = columnAddress(binding);
      // a fixed binding is probed at its host ports; a bare one at the ports the engine picks for its container ports
      for (const port of probedPorts(ephemeral ? binding.target.value : binding.published!.value)) {
        const label = ephemeral ? `${dest.name}:${at}ephemeral->${port}/${binding.protocol}` : `${dest.name}:${at}${port}->${binding.target.value.start}/${binding.protocol}`;
        // the twin binds it on loopback, on an address that keeps its collisions (publish.ts)
        const where = context.publishing.hostTarget(dest.name, index, port);
        let skip = 'skip' in where ? where.skip : undefined;
        if (!skip && ephemeral && !listed) skip = `the engine picks no host port for it (${why})`;
        if (!skip && !context.hostProbes) skip = 'the engine is not on this machine: its published ports are not on this loopback';
        if (!skip && !isListenProtocol(binding.protocol)) skip = `${binding.protocol} is not probed`;
        const address = 'address' in where ? where.address : '127.0.0.1';
        const target: Target = { via: 'host', service: dest.name, address, port: ephemeral ? 0 : port, protocol: binding.protocol, binding: index, ...(ephemeral ? { ephemeralFor: port } : {}) };
        add('host', 'host', label, target, expect, basis, skip ? { skip } : {});
      }
    });
    if (ns.kind === 'host' && ns.owner === dest.name) {
      for (const { port, protocol } of probePorts(dest)) {
        const skip = context.hostProbes ? undefined : 'the engine is not on this machine';
        add('host', 'host', `${dest.name}:${port}/${protocol} (host network)`, { via: 'host', service: dest.name, address: '127.0.0.1', port, protocol }, true, `namespace(${dest.name}) is the host: it listens on the host's loopback`, skip ? { skip } : {});
      }
    }
  }
  return cases;
}

function connectedWhy(graph: NetworkGraph, a: string, b: string): string {
  const na = graph.namespace(a);
  const nb = graph.namespace(b);
  if (na.owner === nb.owner) return ' (same namespace)';
  if (na.kind === 'none' || nb.kind === 'none') return ' (network_mode none)';
  if (na.kind === 'host' || nb.kind === 'host') return ' (host network)';
  if (na.kind === 'bridge' || nb.kind === 'bridge') return na.kind === nb.kind ? ' (both on the default bridge)' : ' (only one on the default bridge)';
  const shared = graph.sharedNetworks(a, b);
  return shared.length ? ` (shared: ${shared.join(', ')})` : ' (no shared network)';
}
