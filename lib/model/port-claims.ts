import type { Span } from '../source/span';
import { hostClaims } from './host-address';
import type { ExposedPort, Model, PortBinding, Protocol } from './types';

/** One address family's share of a host port range that a binding or a host-network listener takes. */
export interface PortClaim {
  service: string;
  /** what to blame: the list item, or the `published` scalar of a long-syntax entry */
  at: { span: Span; origin?: Span };
  /** the `ports` entry for a published claim; for a listener, the `expose` or `ports` entry it comes from */
  entry: PortBinding | ExposedPort;
  /** the entry's index in the service's `ports`, for a published claim */
  binding?: number;
  /** published: a fixed host port of `ports`; listener: a port a host-network service listens on, on the host */
  kind: 'published' | 'listener';
  family: 'ipv4' | 'ipv6' | 'any';
  /** the address as written, for messages; undefined when the entry names none */
  ipText: string | undefined;
  protocol: Protocol;
  start: number;
  end: number;
  /**
   * what the claim collides with: undefined (a wildcard) collides with every claim of its group, a key
   * only with wildcards and claims of the same key: the canonical host address, or in a stack
   * `host-mode:<service>`, since Swarm's scheduler keeps host-mode tasks of different services on different nodes
   */
  key: string | undefined;
}

/** Two claims on one host port: `claim` collides with `other`, which comes first in the order asked for. */
export interface PortConflict {
  claim: PortClaim;
  other: PortClaim;
  /** the host ports both take: the overlap of the two ranges */
  start: number;
  end: number;
}

export interface ClaimContext {
  model: Model;
  /** bindings that open a port on the host (graph.publishedOnHost) */
  published(service: string): readonly PortBinding[];
  /** whether the service lives in the host's network namespace itself */
  onHostNetwork(service: string): boolean;
}

/**
 * Every host port claim of the project: fixed published ports, and in Compose the declared ports of
 * host-network services, which listen on the host itself. A host range for one container port is a pool
 * (Docker takes any free port of it) and claims nothing. Docker facts: a wildcard collides with every
 * address of its family on the same port and protocol (host-address.ts); `docker stack deploy` has no
 * host IP: ingress ports are reserved on every node, host-mode ones on the task's node.
 */
export function collectClaims(context: ClaimContext): PortClaim[] {
  return claimsOf(context, 'fixed');
}

/**
 * The pools of the project (Compose only: a stack's ingress has no per-container host ports): each host range for one
 * container port as a claim on the whole range, one per address family as collectClaims gives them, for poolCollisions.
 */
export function collectPools(context: ClaimContext): PortClaim[] {
  return context.model.mode === 'stack' ? [] : claimsOf(context, 'pools');
}

function claimsOf(context: ClaimContext, which: 'fixed' | 'pools'): PortClaim[] {
  const stack = context.model.mode === 'stack';
  const claims: PortClaim[] = [];
  for (const service of context.model.services.values()) {
    const name = service.name;
    for (const binding of context.published(name)) {
      const { start, end } = binding.published!.value;
      const target = binding.target.value;
      if ((end > start && target.end === target.start) !== (which === 'pools')) continue;
      const at = binding.text === undefined ? binding.published! : binding;
      const index = service.ports.indexOf(binding);
      const add = (family: PortClaim['family'], key: string | undefined, ipText: string | undefined): void => {
        claims.push({ service: name, at, entry: binding, binding: index, kind: 'published', family, key, ipText, protocol: binding.protocol, start, end });
      };
      if (stack) {
        add('any', binding.mode === 'host' ? `host-mode:${name}` : undefined, undefined);
        continue;
      }
      // no host IP: both wildcards; not an address: Docker rejects the entry, another rule's business
      for (const claim of hostClaims(binding) ?? []) add(claim.family, claim.address, binding.hostIp?.value.text);
    }
    if (!stack && which === 'fixed' && context.onHostNetwork(name)) {
      // ports are discarded under host networking, but the process still listens on its container ports, on the host
      for (const d of listening(service.expose, service.ports)) {
        for (const family of ['ipv4', 'ipv6'] as const) {
          claims.push({ service: name, at: d.entry, entry: d.entry, kind: 'listener', family, key: undefined, ipText: undefined, protocol: d.protocol, start: d.start, end: d.end });
        }
      }
    }
  }
  return claims;
}

/** A pool and the fixed claims of its own container on its host ports (see poolCollisions). */
export interface PoolCollision {
  pool: PortClaim;
  /** the container's fixed claims that collide with the pool, in the order given */
  others: PortClaim[];
  /** whether they take every port of the pool: the container cannot bind all its ports, whatever the order */
  covered: boolean;
}

/**
 * Each pool (collectPools) that collides with a fixed claim of the same service (collectClaims: same protocol and
 * family, overlapping, a wildcard or the same address), one per binding (the first family that collides; a covered
 * one first). Docker facts: the engine binds a container's ports in an order the project does not fix (go-connections
 * nat.SortPortMap sorts the engine's map of ports with a comparison that is no strict order), and a pool takes the
 * next free port after the last one the allocator handed out for that range, remembered for the daemon's lifetime
 * (ports.ts). So when the fixed claims take every port of the pool, the container fails either way ("port is already
 * allocated", or "all ports are allocated" when the pool comes last); when they take some, whether the pool takes one
 * of theirs first depends on the engine's state (measured on Docker 20.10, issue 13 seed 4).
 */
export function poolCollisions(pools: readonly PortClaim[], claims: readonly PortClaim[]): PoolCollision[] {
  const byEntry = new Map<object, PoolCollision>();
  for (const pool of pools) {
    const others = claims.filter(
      (c) => c.service === pool.service && c.kind === 'published' && c.protocol === pool.protocol && c.family === pool.family && (c.key === undefined || pool.key === undefined || c.key === pool.key) && c.start <= pool.end && c.end >= pool.start,
    );
    if (!others.length) continue;
    const ranges = others.map((c) => [Math.max(c.start, pool.start), Math.min(c.end, pool.end)] as const).sort((a, b) => a[0] - b[0]);
    let next = pool.start;
    for (const [a, b] of ranges) if (a <= next) next = Math.max(next, b + 1);
    const found = { pool, others, covered: next > pool.end };
    const known = byEntry.get(pool.entry);
    if (!known || (found.covered && !known.covered)) byEntry.set(pool.entry, found);
  }
  return [...byEntry.values()];
}

export interface Declared {
  entry: PortBinding | ExposedPort;
  protocol: Protocol;
  start: number;
  end: number;
}

/** The ports one host-network process listens on; a port it declares twice (`expose` and a `ports` target) is one listener, so overlapping entries merge. */
export function listening(expose: readonly ExposedPort[], ports: readonly PortBinding[]): Declared[] {
  const declared: Declared[] = [];
  for (const e of expose) if (!e.invalid && !e.unknown) declared.push({ entry: e, protocol: e.protocol, start: e.ports.start, end: e.ports.end });
  for (const p of ports) if (!p.invalid && !p.unknown) declared.push({ entry: p, protocol: p.protocol, start: p.target.value.start, end: p.target.value.end });
  declared.sort((a, b) => (a.protocol < b.protocol ? -1 : a.protocol > b.protocol ? 1 : a.start - b.start));
  const merged: Declared[] = [];
  for (const d of declared) {
    const last = merged[merged.length - 1];
    if (last && last.protocol === d.protocol && d.start <= last.end) last.end = Math.max(last.end, d.end);
    else merged.push({ entry: d.entry, protocol: d.protocol, start: d.start, end: d.end });
  }
  return merged;
}

/**
 * For each entry whose claim collides with a claim that comes before it in `ordered` (the order is the
 * question: file order for what to report, start order for who fails to bind), the earliest such claim,
 * one conflict per entry (the two families of one entry count as one). Two claims of one (protocol,
 * family) group collide when their ranges overlap and at least one is a wildcard or both have the same key.
 * Offline, per group: claims enter by first port, queries go by last port, so when claim x is asked
 * about, every claim with start <= x.end is in; of those, the ones with end >= x.start overlap x, and a
 * suffix-minimum tree over ends gives the lowest rank among them. n log n, whatever the number of collisions.
 */
export function earliestConflicts(ordered: readonly PortClaim[]): PortConflict[] {
  const rank = new Map(ordered.map((c, i) => [c, i]));
  const groups = new Map<string, PortClaim[]>();
  for (const c of ordered) {
    const group = `${c.protocol}/${c.family}`;
    if (!groups.has(group)) groups.set(group, []);
    groups.get(group)!.push(c);
  }
  const worst = new Map<object, [PortClaim, PortClaim]>();
  for (const group of groups.values()) {
    const ends = (list: readonly PortClaim[]): number[] => [...new Set(list.map((c) => c.end))].sort((a, b) => a - b);
    const all = new SuffixMin(ends(group));
    const wild = new SuffixMin(ends(group.filter((c) => c.key === undefined)));
    const byKey = new Map<string, PortClaim[]>();
    for (const c of group) {
      if (c.key === undefined) continue;
      if (!byKey.has(c.key)) byKey.set(c.key, []);
      byKey.get(c.key)!.push(c);
    }
    const keyed = new Map([...byKey].map(([key, list]) => [key, new SuffixMin(ends(list))]));
    const byStart = [...group].sort((a, b) => a.start - b.start);
    const byEnd = [...group].sort((a, b) => a.end - b.end);
    let next = 0;
    for (const x of byEnd) {
      for (; next < byStart.length && byStart[next].start <= x.end; next++) {
        const c = byStart[next];
        all.insert(c.end, rank.get(c)!);
        (c.key === undefined ? wild : keyed.get(c.key)!).insert(c.end, rank.get(c)!);
      }
      // x itself is in and overlaps itself: a lower rank than its own is an earlier collision
      const found = x.key === undefined ? all.query(x.start) : Math.min(wild.query(x.start), keyed.get(x.key)!.query(x.start));
      if (found >= rank.get(x)!) continue;
      const other = ordered[found];
      const known = worst.get(x.entry);
      if (!known || found < rank.get(known[1])!) worst.set(x.entry, [x, other]);
    }
  }
  return [...worst.values()].sort((a, b) => rank.get(a[0])! - rank.get(b[0])!).map(([claim, other]) => ({ claim, other, start: Math.max(claim.start, other.start), end: Math.min(claim.end, other.end) }));
}

/** The lowest rank inserted at a key >= some bound, over a fixed sorted set of keys (a Fenwick tree over the keys reversed). */
class SuffixMin {
  private readonly tree: number[];
  constructor(private readonly keys: readonly number[]) {
    this.tree = new Array<number>(keys.length + 1).fill(Infinity);
  }
  insert(key: number, rank: number): void {
    for (let i = this.keys.length - lowerBound(this.keys, key); i <= this.keys.length; i += i & -i) this.tree[i] = Math.min(this.tree[i], rank);
  }
  query(bound: number): number {
    let best = Infinity;
    for (let i = this.keys.length - lowerBound(this.keys, bound); i > 0; i -= i & -i) best = Math.min(best, this.tree[i]);
    return best;
  }
}

function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
