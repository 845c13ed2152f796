import type { Finding } from '../engine/finding';
import type { NetworkGraph } from '../model/graph';
import type { PortBinding } from '../model/types';
import type { Publishing } from './publish';
import type { Twin } from './twin';
import type { CaseResult, EngineEvent, FindingVerdict, ProbeCase } from './types';

/** What a finding says the network will do: a case it expects reachable or blocked. */
export interface Claim {
  case: number;
  reachable: boolean;
}

export interface Linked {
  claims: Claim[];
  /** cases whose prediction the finding changes (the graph has no predicate for it) */
  adjust?: { case: number; expect: boolean }[];
  /** decided from what the engine did instead of from probes */
  fromEvents?: (events: EngineEvent[], twin: Twin) => { verdict: FindingVerdict['verdict']; reason: string } | undefined;
}

export interface LinkContext {
  graph: NetworkGraph;
  cases: readonly ProbeCase[];
  stack: boolean;
  swarm: boolean;
  /** what the twin publishes (publish.ts); without it, findings about published ports are not probed */
  publishing?: Publishing;
}

type Link = (finding: Finding, context: LinkContext) => Linked | { notProbed: string };

/** The names a finding's service references, narrowed to the reference at the finding's position when there is one. */
function referencedNames(finding: Finding, graph: NetworkGraph): string[] {
  if (!finding.service) return [];
  const refs = graph.referencesFrom(finding.service).filter((r) => graph.isProjectName(r.name));
  const at = refs.filter((r) => r.span.file === finding.file && r.span.line === finding.line && r.span.column === finding.column);
  const chosen = at.length ? at : refs.filter((r) => finding.message.includes(`"${r.name}"`));
  return [...new Set((chosen.length ? chosen : refs).map((r) => r.name))];
}

/** The services a project name belongs to, on any network. */
function servicesNamed(graph: NetworkGraph, name: string): string[] {
  const out = new Set<string>();
  if (graph.services.has(name)) out.add(name);
  for (const s of graph.services.values()) if (s.containerName?.value === name) out.add(s.name);
  for (const net of [...graph.networks.keys(), 'bridge']) for (const e of graph.namesOn(net).get(name.toLowerCase()) ?? []) out.add(e.service);
  return [...out];
}

/** The binding a finding points at, by position; else every binding of its service. */
function bindingsOf(finding: Finding, graph: NetworkGraph): PortBinding[] {
  const s = finding.service ? graph.services.get(finding.service) : undefined;
  if (!s) return [];
  const inside = (b: PortBinding): boolean => {
    const sp = b.span;
    if (sp.file !== finding.file) return false;
    const after = finding.line > sp.line || (finding.line === sp.line && finding.column >= sp.column);
    const before = finding.line < sp.endLine || (finding.line === sp.endLine && finding.column < sp.endColumn);
    return after && before;
  };
  const at = s.ports.filter(inside);
  return at.length ? at : s.ports;
}

/**
 * The fixed host ports of the bindings a finding points at that the twin really publishes (publish.ts):
 * the container-port keys (`80/tcp`, as the engine's inspect names them) and the host ports each may take, or why none
 * is published (Swarm mode, the run's bound of published ports, no fixed host port).
 */
function fixedPorts(f: Finding, context: LinkContext): { keys: string[]; hostRanges: [number, number][] } | { notProbed: string } {
  const s = f.service ? context.graph.services.get(f.service) : undefined;
  if (!s || !context.publishing) return { notProbed: 'the twin publishes no ports for it' };
  const indexes = new Set(bindingsOf(f, context.graph).filter((b) => b.published).map((b) => s.ports.indexOf(b)));
  const ports = context.publishing.ports(s.name).filter((p) => indexes.has(p.binding) && p.hostRange);
  const published = ports.filter((p) => !p.skip && p.addresses.length);
  if (!published.length) return { notProbed: `the twin did not publish the fixed host ports of "${s.name}"${ports[0]?.skip ? `: ${ports[0].skip}` : ''}` };
  return { keys: published.map((p) => `${p.target}/${p.protocol}`), hostRanges: published.map((p) => p.hostRange!) };
}

function hostCasesOf(context: LinkContext, service: string, bindings?: PortBinding[]): ProbeCase[] {
  const s = context.graph.services.get(service);
  const indexes = bindings && s ? new Set(bindings.map((b) => s.ports.indexOf(b))) : undefined;
  return context.cases.filter((c) => c.kind === 'host' && c.target.via === 'host' && c.target.service === service && c.target.binding !== undefined && (!indexes || indexes.has(c.target.binding)));
}

const dnsClaims = (context: LinkContext, source: string, names: string[], reachable: boolean): Claim[] =>
  context.cases.filter((c) => c.kind === 'dns' && c.source === source && names.some((n) => n.toLowerCase() === c.column.toLowerCase())).map((c) => ({ case: c.id, reachable }));

const connectionClaims = (context: LinkContext, source: string, targets: string[], reachable: boolean): Claim[] =>
  context.cases.filter((c) => (c.kind === 'tcp' || c.kind === 'udp') && c.source === source && c.target.via !== 'name' && targets.includes(c.target.service)).map((c) => ({ case: c.id, reachable }));

function eventVerdict(kinds: EngineEvent['kind'][], service: string | undefined, text?: RegExp) {
  return (events: EngineEvent[], twin: Twin): { verdict: FindingVerdict['verdict']; reason: string } | undefined => {
    const hit = events.find((e) => kinds.includes(e.kind) && (!service || e.service === service) && (!text || text.test(e.message)));
    if (hit) return { verdict: 'confirmed', reason: `the engine: ${hit.message}` };
    if (service && twin.containers.some((c) => c.service === service && c.running)) return { verdict: 'refuted', reason: `"${service}" started without the engine objecting` };
    return undefined;
  };
}

/**
 * How each rule's findings are checked on the twin. A rule that is not here, or whose premise no
 * probe on one machine can observe, gives `not-probed` with the reason.
 */
export const RULE_PROBES: Record<string, Link> = {
  'no-default-bridge-dns': (f, context) => {
    if (!f.service) return { notProbed: 'the finding names no service' };
    const names = referencedNames(f, context.graph);
    const targets = names.flatMap((n) => servicesNamed(context.graph, n));
    // the name does not resolve, while the address works: on the default bridge only IPs do
    return { claims: [...dnsClaims(context, f.service, names, false), ...connectionClaims(context, f.service, targets, true)] };
  },
  'no-unreachable-reference': (f, context) => {
    if (!f.service) return { notProbed: 'the finding names no service' };
    const names = referencedNames(f, context.graph);
    const targets = names.flatMap((n) => servicesNamed(context.graph, n));
    return { claims: [...dnsClaims(context, f.service, names, false), ...connectionClaims(context, f.service, targets, false)] };
  },
  'no-host-network-ports': (f, context) => {
    if (!f.service) return { notProbed: 'the finding names no service' };
    const mapped = hostCasesOf(context, f.service, bindingsOf(f, context.graph)).map((c) => ({ case: c.id, reachable: false }));
    const onHost = context.cases.filter((c) => c.kind === 'host' && c.target.via === 'host' && c.target.service === f.service && c.target.binding === undefined).map((c) => ({ case: c.id, reachable: true }));
    return { claims: [...mapped, ...onHost] };
  },
  'no-duplicate-published-ports': (f, context) => {
    if (!f.service) return { notProbed: 'the finding names no service' };
    const bindings = bindingsOf(f, context.graph);
    const ports = new Set(bindings.flatMap((b) => (b.published ? [b.published.value.start] : [])));
    const cases = hostCasesOf(context, f.service, bindings);
    return {
      claims: cases.map((c) => ({ case: c.id, reachable: false })),
      adjust: cases.map((c) => ({ case: c.id, expect: false })),
      fromEvents: (events) => {
        const hit = events.find((e) => e.kind === 'bind-failed' && e.service === f.service && e.port !== undefined && ports.has(e.port));
        return hit ? { verdict: 'confirmed', reason: `the engine: ${hit.message}` } : undefined;
      },
    };
  },
  'no-scaled-fixed-host-port': (f, context) => {
    const service = f.service;
    if (!service) return { notProbed: 'the finding names no service' };
    const fixed = fixedPorts(f, context);
    if ('notProbed' in fixed) return fixed;
    return {
      claims: [],
      fromEvents: (events, twin) => {
        const hit = events.find((e) => e.kind === 'bind-failed' && e.service === service && (e.replica ?? 1) > 1 && e.port !== undefined && fixed.hostRanges.some(([a, b]) => e.port! >= a && e.port! <= b));
        if (hit) return { verdict: 'confirmed', reason: `the engine: ${hit.message}` };
        // only replicas the engine really bound a fixed host port for observe the premise
        const bound = twin.containers.filter((c) => c.service === service && c.running && fixed.keys.some((k) => (c.hostPorts?.get(k)?.length ?? 0) > 0)).length;
        if (bound > 1) return { verdict: 'refuted', reason: `${bound} replicas of "${service}" started, each bound to its fixed host port` };
        return { verdict: 'not-probed', reason: `fewer than 2 replicas of "${service}" ran with their fixed host ports bound, so none showed whether a second one can bind` };
      },
    };
  },
  'no-ports-on-internal-network': (f, context) => {
    if (!f.service) return { notProbed: 'the finding names no service' };
    return { claims: hostCasesOf(context, f.service).map((c) => ({ case: c.id, reachable: false })) };
  },
  'no-ports-on-none-network': (f, context) => {
    if (!f.service) return { notProbed: 'the finding names no service' };
    return { claims: hostCasesOf(context, f.service).map((c) => ({ case: c.id, reachable: false })) };
  },
  'no-ambiguous-alias': (f, context) => {
    const names = [...f.message.matchAll(/"([^"]+)"/g)].map((m) => m[1]).filter((n) => context.graph.isProjectName(n));
    const claims = context.cases.filter((c) => c.kind === 'dns' && names.includes(c.column) && (c.expectServices?.length ?? 0) > 1).map((c) => ({ case: c.id, reachable: true }));
    return claims.length ? { claims } : { notProbed: 'no source resolves the ambiguous name' };
  },
  'no-network-mode-conflict': (f) => ({ claims: [], fromEvents: eventVerdict(['create-failed', 'start-failed'], f.service, /conflicting options|joins/) }),
  'no-dnsrr-ingress': (f, context) => (context.stack && context.swarm ? { claims: [], fromEvents: eventVerdict(['create-failed'], f.service, /dnsrr|ingress/i) } : { notProbed: 'needs the stack on a Swarm manager' }),
  'no-overlay-outside-swarm': (f, context) =>
    context.swarm
      ? { notProbed: 'the engine is a Swarm manager, so the overlay works here as it would not under plain Compose' }
      : { claims: [], fromEvents: (events) => {
          const hit = events.find((e) => e.kind === 'network-failed' && e.network === f.network);
          return hit ? { verdict: 'confirmed', reason: `the engine: ${hit.message}` } : undefined;
        } },
  'no-duplicate-static-ip': (f) => ({ claims: [], fromEvents: eventVerdict(['create-failed', 'start-failed'], f.service, /address|in use/i) }),
  'no-invalid-static-ip': (f) => ({ claims: [], fromEvents: eventVerdict(['create-failed', 'start-failed'], f.service, /address|subnet|IP/) }),
  'no-overlapping-subnets': (f) => ({
    claims: [],
    fromEvents: (events, twin) => {
      const hit = events.find((e) => e.kind === 'network-failed' && /overlap/i.test(e.message));
      if (hit) return { verdict: 'confirmed', reason: `the engine: ${hit.message}` };
      const n = f.network ? twin.networks.get(f.network) : undefined;
      return n?.id && !n.failed ? { verdict: 'refuted', reason: `the engine created network "${f.network}" beside the others` } : undefined;
    },
  }),
  'no-legacy-links': () => ({ notProbed: 'links work on one engine; the rule is about what replaces them, not about reachability' }),
  'no-unused-network': () => ({ notProbed: 'an unused network carries no traffic: the twin does not create it' }),
  'no-swarm-unsupported-options': () => ({ notProbed: 'the stack twin leaves out what docker stack deploy ignores' }),
  'no-external-network-config': () => ({ notProbed: 'the twin creates external networks as plain stand-ins' }),
  'no-invalid-ipam': () => ({ notProbed: 'the twin passes only valid IPAM entries to the engine' }),
  'no-invalid-address': () => ({ notProbed: 'the twin passes only valid addresses to the engine' }),
  'no-undefined-network': () => ({ notProbed: 'Compose refuses the project before the engine sees it; the twin leaves the service out' }),
  'require-overlay-encryption': () => ({ notProbed: 'encryption shows only on traffic between Swarm nodes; the twin runs on one' }),
  'require-macvlan-parent': () => ({ notProbed: 'the twin gives every macvlan/ipvlan network a veth parent of its own' }),
  'no-container-name-with-replicas': () => ({ notProbed: 'the twin names its containers itself' }),
  'no-public-datastore-ports': () => ({ notProbed: 'exposure to other machines is not probed: probes stay on this machine' }),
  'no-docker-socket-mount': () => ({ notProbed: 'the twin mounts no volumes' }),
  'no-driver-path': () => ({ notProbed: 'the twin passes the engine only its built-in network and IPAM drivers' }),
};

/** Links every finding to its cases, and applies the predictions findings adjust. */
export function linkFindings(findings: Finding[], context: LinkContext): (Linked | { notProbed: string })[] {
  return findings.map((f) => {
    const link = RULE_PROBES[f.ruleId];
    if (!link) return { notProbed: `no probe observes what ${f.ruleId} checks` };
    const linked = link(f, context);
    if ('notProbed' in linked) return linked;
    for (const a of linked.adjust ?? []) {
      const c = context.cases.find((x) => x.id === a.case);
      if (c && c.expect !== a.expect) {
        c.expect = a.expect;
        c.adjustedBy = findings.indexOf(f);
        c.basis = `${c.basis}; ${f.ruleId} predicts the bind fails`;
      }
    }
    return linked;
  });
}

/** Decides each finding from the observations of its cases and the engine's events. */
export function decide(findings: Finding[], links: (Linked | { notProbed: string })[], results: CaseResult[], events: EngineEvent[], twin: Twin): FindingVerdict[] {
  const byId = new Map(results.map((r) => [r.case.id, r]));
  return findings.map((finding, i) => {
    const link = links[i];
    if ('notProbed' in link) return { finding, verdict: 'not-probed', reason: link.notProbed, cases: [] };
    const fromEvents = link.fromEvents?.(events, twin);
    const supports: number[] = [];
    const contradicts: number[] = [];
    for (const claim of link.claims) {
      const r = byId.get(claim.case);
      if (!r?.final || r.final.reach === 'failed' || r.flaky) continue;
      ((r.final.reach === 'reachable') === claim.reachable ? supports : contradicts).push(claim.case);
    }
    const cases = link.claims.map((c) => c.case);
    if (fromEvents?.verdict === 'confirmed' && !contradicts.length) return { finding, verdict: 'confirmed', reason: fromEvents.reason, cases };
    if (contradicts.length) {
      const r = byId.get(contradicts[0])!;
      return { finding, verdict: 'refuted', reason: `${describe(r.case)}: ${r.final!.reach} (${r.final!.detail})`, cases: contradicts };
    }
    if (supports.length) return { finding, verdict: 'confirmed', reason: supports.map((id) => `${describe(byId.get(id)!.case)}: ${byId.get(id)!.final!.reach}`).join('; '), cases: supports };
    if (fromEvents) return { finding, verdict: fromEvents.verdict, reason: fromEvents.reason, cases };
    const skipped = link.claims.map((c) => byId.get(c.case)?.case.skip).find(Boolean);
    return { finding, verdict: 'not-probed', reason: skipped ?? (link.claims.length ? 'its probes failed' : 'no probe covers it'), cases };
  });
}

export function describe(c: ProbeCase): string {
  if (c.kind === 'host') return `host → ${c.column}`;
  const arrow = c.kind === 'dns' ? `resolves "${c.column}"` : `→ ${c.column}`;
  return `${c.kind} ${c.source} ${arrow}`;
}
