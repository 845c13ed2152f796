import type Docker from 'dockerode';
import { overlaps, parseAddress, parseCidr } from '../model/address';
import { hostClaimsCollide, hostIpClaims } from '../model/host-address';
import type { NetworkGraph } from '../model/graph';
import type { Protocol } from '../model/types';
import type { Engine } from './engine';
import { DEFAULT_OLDER_THAN_MS, localProcesses, runStatus, type ProcessTable } from './owner';
import { listenPorts, unbuildable } from './plan';
import { describeRun, LEASE_LABEL, listRuns, type RunObjects } from './runs';
import type { Publishing } from './publish';
import { neededNetworks, portBindings, type Twin } from './twin';
import type { Observation } from './types';
import { errorLine, withTimeout } from './util';

/**
 * Two runs on one engine share its host ports and its local address space; everything else a
 * twin creates is named after its run (`cnl-<run>-…`) and cannot collide. The fixed resources are:
 *
 * - subnets given in IPAM of local-scope networks (bridge, macvlan, ipvlan): the engine refuses a
 *   second pool that overlaps one in use ("Pool overlaps with other one on this address space").
 *   Swarm overlays are global-scope and may reuse a subnet (both checked on Docker 20.10.24);
 * - fixed published host ports (docker-proxy binds them; Swarm reserves ingress ports cluster-wide),
 *   and the ports host-network services listen on, on the host's loopback.
 *
 * A run records what it will take in its lease before it creates anything else, then looks at
 * every other run's lease and objects; it stops when an earlier run holds any of them.
 */

/** A host port range a run takes: `ip` as given to the engine, "" for every address. */
export interface PortClaim {
  protocol: string;
  ip: string;
  start: number;
  end: number;
}

export interface Claims {
  /** IPAM subnets of local-scope networks, as written */
  subnets: string[];
  ports: PortClaim[];
}

/** Network drivers whose networks are local-scope: their pools share the engine's local address space. */
const LOCAL_SCOPE_DRIVERS = new Set(['bridge', 'macvlan', 'ipvlan']);

/** Raised when another run holds a fixed resource this run needs: the CLI prints it on one line and exits 2. */
export class CollisionError extends Error {}

/** The fixed resources the twin of `graph` will take: the same subnets and ports (as `publishing` binds them) the builders give the engine. */
export function twinClaims(graph: NetworkGraph, swarm: boolean, publishing: Publishing): Claims {
  const services = [...graph.services.keys()].filter((s) => unbuildable(graph, s) === undefined);
  const subnets: string[] = [];
  for (const key of neededNetworks(graph, services)) {
    const network = graph.networks.get(key)!;
    // external networks get a stand-in without IPAM; under Swarm the builders' own drivers apply
    if (network.external?.value || !LOCAL_SCOPE_DRIVERS.has(network.driver)) continue;
    for (const c of network.ipam) if (c.subnet?.value.range && !subnets.includes(c.subnet.value.text)) subnets.push(c.subnet.value.text);
  }
  const ports: PortClaim[] = [];
  for (const name of services) {
    const service = graph.services.get(name)!;
    const ns = graph.namespace(name);
    if (ns.kind === 'host' && ns.owner === name) {
      // the listener binds the host's loopback
      for (const l of listenPorts(service)) ports.push({ protocol: l.protocol, ip: '127.0.0.1', start: l.port, end: l.port });
      continue;
    }
    // joiners share their owner's ports; Docker binds nothing for host, none, or only internal networks
    if ((ns.kind !== undefined && ns.kind !== 'bridge') || ns.joins !== undefined || graph.onlyInternal(name)) continue;
    // a stack twin publishes nothing (a Swarm port has no host address): publish.ts
    if (swarm) continue;
    for (const [key, list] of Object.entries(portBindings(name, publishing, new Set()).bindings)) {
      const protocol = key.split('/')[1];
      for (const b of list) {
        // "" is ephemeral and a range is a pool the engine picks a free port from: neither is fixed
        if (!/^\d+$/.test(b.HostPort)) continue;
        ports.push({ protocol, ip: b.HostIp, start: Number(b.HostPort), end: Number(b.HostPort) });
      }
    }
  }
  return { subnets, ports: mergePorts(ports) };
}

/** Sorts port claims and joins neighbours of one protocol and address into ranges, so a lease stays small. */
function mergePorts(ports: PortClaim[]): PortClaim[] {
  const sorted = [...ports].sort((a, b) => a.protocol.localeCompare(b.protocol) || a.ip.localeCompare(b.ip) || a.start - b.start);
  const out: PortClaim[] = [];
  for (const p of sorted) {
    const last = out[out.length - 1];
    if (last && last.protocol === p.protocol && last.ip === p.ip && p.start <= last.end + 1) last.end = Math.max(last.end, p.end);
    else out.push({ ...p });
  }
  return out;
}

/** What a claim reads as in messages: `subnet 10.1.0.0/24`, `host port 127.0.0.1:8080/tcp`, `host port 8000-8010/udp`. */
export function claimText(claim: string | PortClaim): string {
  if (typeof claim === 'string') return `subnet ${claim}`;
  const ports = claim.start === claim.end ? String(claim.start) : `${claim.start}-${claim.end}`;
  const ip = claim.ip === '' ? '' : claim.ip.includes(':') ? `[${claim.ip}]:` : `${claim.ip}:`;
  return `host port ${ip}${ports}/${claim.protocol}`;
}

/**
 * Whether two host bindings of one port and protocol cannot coexist: an empty address (every
 * address, both families) or a family's wildcard (0.0.0.0, ::) takes the port from every address
 * of that family; otherwise only the same address collides (127.0.0.1 and 127.0.0.2 do not): the model's
 * rule (lib/model/host-address.ts), on the text addresses engine objects and leases record.
 */
export function portsCollide(a: PortClaim, b: PortClaim): boolean {
  if (a.protocol !== b.protocol || a.end < b.start || b.end < a.start) return false;
  if (a.ip === '' || b.ip === '') return true;
  const x = hostIpClaims(parseAddress(a.ip));
  const y = hostIpClaims(parseAddress(b.ip));
  if (!x || !y) return a.ip === b.ip;
  return x.some((c) => y.some((d) => hostClaimsCollide(c, d)));
}

/** The claims of `ours` that `theirs` collides with, as text, in the order of `ours`. */
export function collisions(ours: Claims, theirs: Claims): string[] {
  const out: string[] = [];
  for (const s of ours.subnets) if (theirs.subnets.some((t) => overlaps(parseCidr(s), parseCidr(t)))) out.push(claimText(s));
  for (const p of ours.ports) if (theirs.ports.some((t) => portsCollide(p, t))) out.push(claimText(p));
  return out;
}

/** The claims recorded in a lease label; empty when the label is missing or unreadable. */
export function leaseClaims(label: string | undefined): Claims {
  try {
    const parsed = JSON.parse(label ?? '') as Partial<Claims>;
    const subnets = Array.isArray(parsed.subnets) ? parsed.subnets.filter((s): s is string => typeof s === 'string') : [];
    const ports = Array.isArray(parsed.ports) ? parsed.ports.filter((p): p is PortClaim => typeof p?.protocol === 'string' && typeof p.ip === 'string' && Number.isInteger(p.start) && Number.isInteger(p.end)) : [];
    return { subnets, ports };
  } catch {
    return { subnets: [], ports: [] };
  }
}

/** What a run's existing objects hold: the subnets of its local-scope networks, its containers' and services' published ports. */
export function heldByObjects(r: RunObjects): Claims {
  const subnets = r.networks.filter((n) => n.Scope === 'local').flatMap((n) => (n.IPAM?.Config ?? []).map((c) => c.Subnet).filter((s): s is string => Boolean(s)));
  const ports: PortClaim[] = [];
  for (const c of r.containers) for (const p of c.Ports ?? []) if (p.PublicPort) ports.push({ protocol: p.Type, ip: p.IP ?? '', start: p.PublicPort, end: p.PublicPort });
  for (const s of r.services) for (const p of s.Endpoint?.Ports ?? []) if (p.PublishedPort) ports.push({ protocol: p.Protocol ?? 'tcp', ip: '', start: p.PublishedPort, end: p.PublishedPort });
  return { subnets, ports };
}

/** Docker's RFC 3339 time with nanoseconds as a number of nanoseconds, for ordering leases created within one millisecond. */
export function nanoseconds(text: string): bigint {
  const m = /^(.*?)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(text);
  const ms = Date.parse(m ? `${m[1]}${m[3]}` : text);
  if (Number.isNaN(ms)) return 0n;
  return BigInt(ms) * 1_000_000n + BigInt((m?.[2] ?? '').padEnd(9, '0').slice(0, 9));
}

export interface LeaseOptions {
  engine: Engine;
  twin: Twin;
  image: string;
  claims: Claims;
  processes?: ProcessTable;
  now?: () => Date;
}

/**
 * Creates the run's lease (a container that is never started, named `cnl-<run>-lease`) with the
 * claims in its label, then looks for another run that holds any of them: one whose objects
 * hold them, or a run not over whose lease, created before this one, claims them (a later lease
 * yields to this one). On a collision it removes the lease and throws CollisionError with one
 * line naming that run; engine errors reject as they come.
 */
export async function takeLease(options: LeaseOptions): Promise<void> {
  const { engine, twin, claims } = options;
  const lease = await engine.docker.createContainer({
    name: `cnl-${twin.run}-lease`,
    Image: options.image,
    Cmd: ['true'],
    Labels: { ...twin.labels, [LEASE_LABEL]: JSON.stringify(claims) },
    HostConfig: { NetworkMode: 'none', LogConfig: { Type: 'none', Config: {} } },
  });
  if (!claims.subnets.length && !claims.ports.length) return;
  try {
    const mine = nanoseconds(((await withTimeout(lease.inspect(), 15_000, 'inspecting the lease timed out')) as { Created: string }).Created);
    const found = await findHolder(options, mine);
    if (found) throw new CollisionError(found);
  } catch (error) {
    await lease.remove({ force: true }).catch(() => undefined);
    throw error;
  }
}

async function findHolder(options: LeaseOptions, mine: bigint): Promise<string | undefined> {
  const { engine, twin, claims } = options;
  const context = { processes: options.processes ?? localProcesses, now: options.now?.() ?? new Date(), olderThanMs: DEFAULT_OLDER_THAN_MS };
  const others = [...(await listRuns(engine)).values()].filter((r) => r.run !== twin.run).sort((a, b) => (a.created?.getTime() ?? 0) - (b.created?.getTime() ?? 0));
  for (const r of others) {
    const status = runStatus(r.labels ?? r.lease?.Labels, r.created, context);
    let held = collisions(claims, heldByObjects(r));
    if (!status.over && r.lease) {
      const fromLease = collisions(claims, leaseClaims(r.lease.Labels[LEASE_LABEL]));
      if (fromLease.length && (await leaseIsEarlier(engine, r.lease, mine, r.run, twin.run))) held = [...new Set([...held, ...fromLease])];
    }
    if (!held.length) continue;
    const shown = held.length > 3 ? [...held.slice(0, 3), `${held.length - 3} more`] : held;
    const what = shown.length > 1 ? `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}` : shown[0];
    const verb = held.length === 1 ? 'is' : 'are';
    return status.over
      ? `${what} ${verb} held by the leftovers of ${describeRun(r, status.why)}; remove them with \`compose-netlint probe --cleanup --run ${r.run}\``
      : `${what} ${verb} already held by ${describeRun(r, status.why)}; two probe runs cannot hold ${held.length === 1 ? 'it' : 'them'} at once. wait for that run to finish or probe on another engine`;
  }
  return undefined;
}

async function leaseIsEarlier(engine: Engine, lease: Docker.ContainerInfo, mine: bigint, theirRun: string, myRun: string): Promise<boolean> {
  let created: string;
  try {
    created = ((await withTimeout(engine.docker.getContainer(lease.Id).inspect(), 15_000, 'inspecting a lease timed out')) as { Created: string }).Created;
  } catch (error) {
    // the lease went away meanwhile: its run has ended
    if (/No such container/i.test(errorLine(error))) return false;
    throw error;
  }
  const theirs = nanoseconds(created);
  return theirs < mine || (theirs === mine && theirRun < myRun);
}

/**
 * Why a host observation cannot stand for this twin: the banner names another run, or this
 * service could not bind the port (its first container's bind failed) while no other service of
 * the project takes it, so whatever answers belongs to someone else. Undefined when it stands.
 */
export function foreignAnswer(twin: Twin, graph: NetworkGraph, target: { service: string; port: number; protocol: Protocol }, o: Observation): string | undefined {
  if (o.reach === 'failed') return undefined;
  if (o.answeredRun && o.answeredRun !== twin.run) {
    return `answered by "${o.answeredBy ?? '?'}" of run ${o.answeredRun}: another probe run holds host port ${target.port}/${target.protocol}, so this twin's mapping cannot be seen`;
  }
  const lost = twin.events.find((e) => e.kind === 'bind-failed' && e.service === target.service && (e.replica ?? 1) === 1 && e.port === target.port && e.protocol === target.protocol);
  if (!lost) return undefined;
  const takenInProject = [...graph.services.keys()].some((s) => {
    if (s === target.service) return false;
    const ns = graph.namespace(s);
    if (ns.kind === 'host' && ns.owner === s) return listenPorts(graph.services.get(s)!).some((l) => l.protocol === target.protocol && l.port === target.port);
    return graph.publishedOnHost(s).some((b) => b.protocol === target.protocol && b.published!.value.start <= target.port && target.port <= b.published!.value.end);
  });
  if (takenInProject) return undefined;
  return `the twin could not bind host port ${target.port}/${target.protocol} (${lost.message}) and no other service of the project takes it: something outside this run holds it, so whatever answers is not the twin`;
}
