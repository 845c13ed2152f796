import { defineRule, type Place } from '../lib/engine/rule';
import type { NetworkGraph } from '../lib/model/graph';
import { hostClaims } from '../lib/model/host-address';
import type { ExposedPort, PortBinding, Protocol } from '../lib/model/types';
import type { Span } from '../lib/source/span';

/** One address family's share of a host port range that a binding or a host-network listener takes. */
interface Claim {
  service: string;
  /** what to blame: the list item, or the `published` scalar of a long-syntax entry */
  at: Place;
  /** the entry itself, so the two families of one entry count as one */
  entry: object;
  kind: 'published' | 'listener';
  family: 'ipv4' | 'ipv6' | 'any';
  /** the address as written, for the message; undefined when the entry names none */
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
  /** position in file order, filled in before collisions are looked for */
  rank: number;
}

interface Conflict {
  claim: Claim;
  other: Claim;
}

export default defineRule({
  id: 'no-duplicate-published-ports',
  category: 'correctness',
  severity: 'error',
  description: 'Disallow two bindings claiming the same host address, port and protocol',
  messages: {
    published:
      'host port "{{port}}" is published by both {{first}} and {{second}} (line {{line}}); the second container will fail to start. publish a different host port',
    publishedTwice:
      'host port "{{port}}" is published twice by service "{{service}}"{{addresses}} (also line {{line}}); Docker cannot bind it twice, so the service will not start. publish a different host port or drop one entry',
    hostNetwork:
      'host port "{{port}}" is used by both {{first}} and {{second}} (line {{line}}); a service on the host network listens on the host itself, so the second to start will fail to bind. move one of them to a different port',
    stack:
      'host port "{{port}}" is published by both "{{first}}" and "{{second}}" (line {{line}}); Swarm reserves an ingress port on every node of the cluster, so the second service is rejected or its tasks cannot bind. publish a different host port',
  },
  check(graph, context) {
    const files = new Map(graph.model.files.map((f, i) => [f, i]));
    const claims = collect(graph).sort((a, b) => compareSpans(a.at.span, b.at.span, files));
    claims.forEach((c, i) => (c.rank = i));
    // one finding per offending entry, against the earliest entry (in file order) it collides with
    const worst = new Map<object, Conflict>();
    for (const [claim, other] of earliestCollisions(claims)) {
      const known = worst.get(claim.entry);
      if (!known || other.rank < known.other.rank) worst.set(claim.entry, { claim, other });
    }
    for (const { claim, other } of worst.values()) {
      const start = Math.max(claim.start, other.start);
      const end = Math.min(claim.end, other.end);
      const port = `${start === end ? start : `${start}-${end}`}/${claim.protocol}`;
      const line = other.at.span.file === claim.at.span.file ? String(other.at.span.line) : `${other.at.span.line} of ${other.at.span.file}`;
      const related = [{ message: `host port "${port}" also claimed here`, at: other.at }];
      const base = { at: claim.at, related, service: claim.service };
      if (claim.kind === 'listener' || other.kind === 'listener') {
        context.report({ ...base, messageId: 'hostNetwork', data: { port, first: label(claim), second: label(other), line } });
      } else if (claim.service === other.service) {
        const addresses = claim.ipText === other.ipText ? '' : ` (on ${address(claim)} and ${address(other)})`;
        context.report({ ...base, messageId: 'publishedTwice', data: { port, service: claim.service, addresses, line } });
      } else if (graph.model.mode === 'stack') {
        context.report({ ...base, messageId: 'stack', data: { port, first: claim.service, second: other.service, line } });
      } else {
        context.report({ ...base, messageId: 'published', data: { port, first: label(claim), second: label(other), line } });
      }
    }
  },
});

/** Every host port claim of the project: fixed published ports, and in Compose the declared ports of host-network services. */
function collect(graph: NetworkGraph): Claim[] {
  const stack = graph.model.mode === 'stack';
  const claims: Claim[] = [];
  for (const service of graph.services.values()) {
    const name = service.name;
    for (const binding of graph.publishedOnHost(name)) {
      const { start, end } = binding.published!.value;
      const target = binding.target.value;
      // a host range for one container port is a pool: Docker takes any free port of it
      if (end > start && target.end === target.start) continue;
      const at = binding.text === undefined ? binding.published! : binding;
      const add = (family: Claim['family'], key: string | undefined, ipText: string | undefined): void => {
        claims.push({ service: name, at, entry: binding, kind: 'published', family, key, ipText, protocol: binding.protocol, start, end, rank: 0 });
      };
      if (stack) {
        // docker stack deploy has no host_ip: ingress ports are reserved on every node, host-mode ones on the task's node
        add('any', binding.mode === 'host' ? `host-mode:${name}` : undefined, undefined);
        continue;
      }
      // no host IP: both wildcards; not an address: Docker rejects the entry, another rule's business
      for (const claim of hostClaims(binding) ?? []) add(claim.family, claim.address, binding.hostIp?.value.text);
    }
    if (!stack && graph.namespace(name).kind === 'host') {
      // ports are discarded under host networking, but the process still listens on its container ports, on the host
      for (const d of listening(service.expose, service.ports)) {
        for (const family of ['ipv4', 'ipv6'] as const) {
          claims.push({ service: name, at: d.at, entry: d.at, kind: 'listener', family, key: undefined, ipText: undefined, protocol: d.protocol, start: d.start, end: d.end, rank: 0 });
        }
      }
    }
  }
  return claims;
}

interface Declared {
  at: Place;
  protocol: Protocol;
  start: number;
  end: number;
}

/** The ports one host-network process listens on; a port it declares twice (`expose` and a `ports` target) is one listener, so overlapping entries merge. */
function listening(expose: readonly ExposedPort[], ports: readonly PortBinding[]): Declared[] {
  const declared: Declared[] = [];
  for (const e of expose) if (!e.invalid && !e.unknown) declared.push({ at: e, protocol: e.protocol, start: e.ports.start, end: e.ports.end });
  for (const p of ports) if (!p.invalid && !p.unknown) declared.push({ at: p, protocol: p.protocol, start: p.target.value.start, end: p.target.value.end });
  declared.sort((a, b) => (a.protocol < b.protocol ? -1 : a.protocol > b.protocol ? 1 : a.start - b.start));
  const merged: Declared[] = [];
  for (const d of declared) {
    const last = merged[merged.length - 1];
    if (last && last.protocol === d.protocol && d.start <= last.end) last.end = Math.max(last.end, d.end);
    else merged.push({ ...d });
  }
  return merged;
}

/**
 * For each claim that collides with an earlier one (in file order), the earliest such claim.
 * Two claims of one (protocol, family) group collide when their ranges overlap and at least one is a
 * wildcard or both have the same key. Offline, per group: claims enter by first port, queries go by
 * last port, so when claim x is asked about, every claim with start <= x.end is in; of those, the ones
 * with end >= x.start overlap x, and a suffix-minimum tree over ends gives the lowest rank among them.
 * n log n, whatever the number of collisions.
 */
function earliestCollisions(claims: readonly Claim[]): [Claim, Claim][] {
  const groups = new Map<string, Claim[]>();
  for (const c of claims) {
    const group = `${c.protocol}/${c.family}`;
    if (!groups.has(group)) groups.set(group, []);
    groups.get(group)!.push(c);
  }
  const out: [Claim, Claim][] = [];
  for (const group of groups.values()) {
    const ends = (list: readonly Claim[]): number[] => [...new Set(list.map((c) => c.end))].sort((a, b) => a - b);
    const all = new SuffixMin(ends(group));
    const wild = new SuffixMin(ends(group.filter((c) => c.key === undefined)));
    const byKey = new Map<string, Claim[]>();
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
        all.insert(c.end, c.rank);
        (c.key === undefined ? wild : keyed.get(c.key)!).insert(c.end, c.rank);
      }
      // x itself is in and overlaps itself: a lower rank than its own is an earlier collision
      const rank = x.key === undefined ? all.query(x.start) : Math.min(wild.query(x.start), keyed.get(x.key)!.query(x.start));
      if (rank < x.rank) out.push([x, claims[rank]]);
    }
  }
  return out;
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

function label(c: Claim): string {
  if (c.kind === 'listener') return `"${c.service}" (network_mode "host")`;
  return c.ipText === undefined ? `"${c.service}"` : `"${c.service}" on "${c.ipText}"`;
}

function address(c: Claim): string {
  return c.ipText === undefined ? 'all addresses' : `"${c.ipText}"`;
}

function compareSpans(a: Span, b: Span, files: ReadonlyMap<string, number>): number {
  if (a.file !== b.file) {
    const fa = files.get(a.file) ?? files.size;
    const fb = files.get(b.file) ?? files.size;
    return fa !== fb ? fa - fb : a.file < b.file ? -1 : 1;
  }
  return a.line - b.line || a.column - b.column;
}
