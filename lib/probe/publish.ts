import ipaddr from 'ipaddr.js';
import type { NetworkGraph } from '../model/graph';
import { hostClaims, type HostClaim } from '../model/host-address';
import type { Protocol, Service } from '../model/types';

/**
 * Where and how much the twin publishes. Probes reach published ports only through the host's
 * loopback, so the twin binds them there and nowhere else: a published port on every interface
 * would open the CI runner to its network while the twin runs. Conflicts between bindings are what
 * the probe observes (no-duplicate-published-ports), so each host address is mapped to a loopback
 * address that keeps them (lib/model/host-address.ts says which addresses collide):
 *
 * - ports are grouped by family, protocol and host port;
 * - in a group without a wildcard, each address gets a loopback address of its own: a loopback address
 *   stays itself, another IPv4 address gets a free 127.0.0.N (N >= 2), the same for the whole run;
 *   IPv6 has one loopback address, ::1, so a group with two different IPv6 addresses cannot be kept;
 * - a wildcard (no host IP, 0.0.0.0, ::) collides with every address of its group: it is bound on the
 *   address of the group's one other address, or on 127.0.0.1 (::1) when there is none; beside two
 *   or more different addresses no loopback address collides with each of them while they miss each
 *   other, so such a group is not published and its cells say why;
 * - no host IP claims both families; its IPv6 side is bound (on ::1) only when the port's IPv6 group
 *   has an explicit IPv6 binding to collide with, else the IPv4 side alone shows every collision.
 *
 * At most PUBLISH_CAP host ports are bound in a run, counting every replica's (each is a docker-proxy
 * process), and of a range at most its first RANGE_PUBLISH_CAP ports and its last, so that both ends the
 * plan probes are bound; Swarm has no host address for
 * a port (it publishes on every interface), so the twin of a stack publishes nothing.
 */

/** Host ports the twin binds in a run at most, every replica's counted. */
export const PUBLISH_CAP = 256;
/** Ports of one range the twin publishes from its start; the range's last port is published too. */
export const RANGE_PUBLISH_CAP = 64;

const V4_LOOPBACK = '127.0.0.1';
const V6_LOOPBACK = '::1';
const PROTOCOLS = new Set<Protocol>(['tcp', 'udp', 'sctp']);
const STACK_REASON = 'Swarm publishes a port on every interface of the machine (a Swarm port has no host address); the twin of a stack publishes none';
const BUDGET_REASON = `over the twin's bound of ${PUBLISH_CAP} published host ports a run`;
const RANGE_REASON = `the twin publishes the first ${RANGE_PUBLISH_CAP} ports of a range and its last`;

/** One container port of a `ports` entry as the twin passes it to the engine. */
export interface PublishedPort {
  /** index of the entry in the service's `ports` */
  binding: number;
  /** the container port */
  target: number;
  protocol: Protocol;
  /** `''` (the engine picks one), `'8080'`, or a pool `'8000-8010'` */
  hostPort: string;
  /** the host ports it may take, first and last; undefined when the engine picks */
  hostRange?: [number, number];
  /** the loopback addresses the twin binds it on, IPv4 first; empty when it is not published */
  addresses: string[];
  /** why it is not published, when it is not */
  skip?: string;
}

export interface Publishing {
  /** every container port of every `ports` entry of a service (of a range, those publishedOffsets gives), in order */
  ports(service: string): readonly PublishedPort[];
  /**
   * The address the host probes for host port `port` of entry `binding` (for an entry without a host port,
   * whose port the engine picks, `port` is the container port), or why it is not published.
   */
  hostTarget(service: string, binding: number, port: number): { address: string } | { skip: string };
  /** what the report says once: the addresses substituted, the ports over the bound */
  notes: string[];
}

/**
 * Which ports of a range the twin publishes, as offsets from its start: the first RANGE_PUBLISH_CAP and
 * the last, so that both ends the plan probes are bound. Ranges of up to 65 ports are published whole.
 */
export function publishedOffsets(range: { start: number; end: number }): number[] {
  const size = range.end - range.start + 1;
  const out: number[] = [];
  for (let i = 0; i < Math.min(size, RANGE_PUBLISH_CAP); i++) out.push(i);
  if (size > RANGE_PUBLISH_CAP) out.push(size - 1);
  return out;
}

interface Member {
  port: PublishedPort;
  claim: HostClaim;
  /** the IPv6 side of a binding without a host IP */
  implicit: boolean;
}

function isLoopback(address: string): boolean {
  return ipaddr.parse(address).range() === 'loopback';
}

/**
 * Decides, from the graph alone, what the twin publishes and on which loopback address; `replicas`
 * gives how many containers the twin runs for a service (each binds its ports).
 */
export function planPublishing(graph: NetworkGraph, replicas: (service: Service) => number): Publishing {
  const stack = graph.model.mode === 'stack';
  const byService = new Map<string, PublishedPort[]>();
  const claimsOf = new Map<PublishedPort, HostClaim[]>();
  const userIp = new Map<PublishedPort, string | undefined>();
  const counted = new Set<PublishedPort>();
  for (const service of graph.services.values()) {
    const list: PublishedPort[] = [];
    byService.set(service.name, list);
    // only these bind on the host: not under network_mode host, none or service:/container:
    const onHost = new Set(graph.hostBindings(service.name));
    service.ports.forEach((b, index) => {
      if (b.invalid || b.unknown || !PROTOCOLS.has(b.protocol)) return;
      const t = b.target.value;
      const claims = hostClaims(b);
      for (const i of publishedOffsets(t)) {
        const port: PublishedPort = { binding: index, target: t.start + i, protocol: b.protocol, hostPort: '', addresses: [] };
        if (b.published) {
          const p = b.published.value;
          const [from, to] = t.end > t.start ? [p.start + i, p.start + i] : [p.start, p.end];
          port.hostPort = from === to ? String(from) : `${from}-${to}`;
          port.hostRange = [from, to];
        }
        if (stack) port.skip = STACK_REASON;
        else if (!claims) port.skip = `host IP "${b.hostIp!.value.text}" is not an address`;
        else {
          claimsOf.set(port, claims);
          userIp.set(port, b.hostIp?.value.text);
        }
        if (onHost.has(b)) counted.add(port);
        list.push(port);
      }
    });
  }

  // a loopback address for every IPv4 address, the same throughout the run: 127.0.0.2 on, past those the project names
  const v4 = new Map<string, string>();
  const claims = [...claimsOf.values()].flat();
  for (const c of claims) if (c.family === 'ipv4' && c.address && isLoopback(c.address)) v4.set(c.address, c.address);
  const taken = new Set(v4.values());
  let next = 2;
  for (const c of claims) {
    if (c.family !== 'ipv4' || !c.address || v4.has(c.address)) continue;
    let address: string;
    do {
      address = ipaddr.fromByteArray([127, (next >> 16) & 255, (next >> 8) & 255, next & 255]).toString();
      next++;
    } while (taken.has(address));
    v4.set(c.address, address);
    taken.add(address);
  }
  const loopback = (c: HostClaim): string => (c.family === 'ipv6' ? V6_LOOPBACK : c.address ? v4.get(c.address)! : V4_LOOPBACK);

  // fixed host ports, by family, protocol and port: where collisions happen
  const groups = new Map<string, Member[]>();
  for (const [port, list] of claimsOf) {
    if (!port.hostRange || port.hostRange[0] !== port.hostRange[1] || !counted.has(port)) continue;
    for (const claim of list) {
      const key = `${claim.family}/${port.protocol}/${port.hostRange[0]}`;
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key)!.push({ port, claim, implicit: list.length > 1 && claim.family === 'ipv6' });
    }
  }
  const bound = new Map<Member, string>();
  const memberOf = new Map<PublishedPort, Member[]>();
  const groupOf = new Map<Member, Member[]>();
  /** IPv6 groups with an explicit IPv6 binding, which the IPv6 side of "no host IP" collides with */
  const explicitV6 = new Set<Member[]>();
  for (const members of groups.values()) {
    const { family } = members[0].claim;
    const specific = [...new Set(members.flatMap((m) => (m.claim.address ? [m.claim.address] : [])))];
    const wildcard = members.some((m) => m.claim.address === undefined);
    const where = `host port ${members[0].port.hostRange![0]}/${members[0].port.protocol}`;
    let broken: string | undefined;
    if (wildcard && specific.length > 1) broken = `${where} is bound on every interface and on ${specific.length} different addresses; no loopback address collides with each of them as every interface does, so the twin does not publish them`;
    else if (family === 'ipv6' && specific.length > 1) broken = `${where} is bound on ${specific.length} different IPv6 addresses; the only IPv6 loopback address is ::1, so the twin does not publish them`;
    if (family === 'ipv6' && members.some((m) => !m.implicit)) explicitV6.add(members);
    for (const m of members) {
      if (broken) m.port.skip ??= broken;
      else bound.set(m, m.claim.address ? loopback(m.claim) : specific.length ? loopback({ family, address: specific[0] }) : loopback(m.claim));
      memberOf.set(m.port, [...(memberOf.get(m.port) ?? []), m]);
      groupOf.set(m, members);
    }
  }
  for (const [port, list] of claimsOf) {
    if (port.skip) continue;
    const members = memberOf.get(port);
    if (!members) {
      // a pool or a port the engine picks takes a free port, nothing collides; or it does not bind on the host at all
      port.addresses = [loopback(list[0])];
      continue;
    }
    for (const m of members) {
      // the IPv6 side of "no host IP" matters only beside an explicit IPv6 binding of the port
      if (m.implicit && !explicitV6.has(groupOf.get(m)!)) continue;
      port.addresses.push(bound.get(m)!);
    }
  }

  // the bound: first come, first served, in file order; then a group is published whole or not at all
  let used = 0;
  let full = false;
  for (const service of graph.services.values()) {
    const n = replicas(service);
    for (const port of byService.get(service.name)!) {
      if (port.skip || !counted.has(port)) continue;
      const cost = port.addresses.length * n;
      if (full || used + cost > PUBLISH_CAP) {
        port.skip = BUDGET_REASON;
        full = true;
      } else used += cost;
    }
  }
  // a port left out takes its groups with it, and their ports' other groups (no host IP is in two): each group once
  const pending = [...claimsOf.keys()].filter((p) => p.skip && memberOf.has(p));
  const done = new Set<Member[]>();
  for (let port = pending.pop(); port; port = pending.pop()) {
    for (const m of memberOf.get(port)!) {
      const members = groupOf.get(m)!;
      if (done.has(members)) continue;
      done.add(members);
      for (const o of members) {
        if (o.port.skip) continue;
        o.port.skip = port.skip;
        pending.push(o.port);
      }
    }
  }
  for (const list of byService.values()) for (const port of list) if (port.skip) port.addresses = [];

  const index = new Map<string, PublishedPort>();
  for (const [service, list] of byService) {
    for (const port of list) for (const p of port.hostRange ?? [port.target]) index.set(`${service}\0${port.binding}\0${p}`, port);
  }
  const all = [...byService.values()].flat();
  const notes: string[] = [];
  if (stack && all.some((p) => p.hostRange)) notes.push(`${STACK_REASON}; published ports are not probed`);
  const substituted = new Map<string, Set<string>>();
  for (const port of all) {
    if (!port.addresses.length) continue;
    const written = userIp.get(port)?.replace(/^\[|\]$/g, '');
    const label = written === undefined ? 'no host IP (every interface)' : `"${written}"`;
    for (const address of port.addresses) if (address !== written) substituted.set(label, (substituted.get(label) ?? new Set()).add(address));
  }
  if (substituted.size) {
    notes.push(`the twin binds published ports on loopback only, where the probes look: ${[...substituted].map(([label, on]) => `${label} as ${[...on].join(' and ')}`).join(', ')}`);
  }
  const over = all.filter((p) => p.skip === BUDGET_REASON).length;
  if (over) notes.push(`the twin publishes at most ${PUBLISH_CAP} host ports a run (each is a docker-proxy process on this machine): ${over} container port${over === 1 ? ' is' : 's are'} left unpublished`);

  return {
    ports: (service) => byService.get(service) ?? [],
    hostTarget(service, binding, port) {
      const found = index.get(`${service}\0${binding}\0${port}`);
      if (found?.skip) return { skip: found.skip };
      if (found?.addresses.length) return { address: found.addresses[0] };
      if (stack) return { skip: STACK_REASON };
      return { skip: found ? 'the twin does not publish it' : RANGE_REASON };
    },
    notes,
  };
}
