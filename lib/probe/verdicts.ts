import type { Finding } from '../engine/finding';
import type { NetworkGraph } from '../model/graph';
import type { Twin } from './twin';
import type { CaseResult, EngineEvent, FindingVerdict, ProbeCase } from './types';

/** What a finding says the network will do: a case it expects reachable or blocked. */
export interface Claim {
  case: number;
  reachable: boolean;
}

export interface Linked {
  claims: Claim[];
  /** decided from what the engine did instead of from probes */
  fromEvents?: (events: EngineEvent[], twin: Twin) => { verdict: FindingVerdict['verdict']; reason: string } | undefined;
}

export interface LinkContext {
  graph: NetworkGraph;
  cases: readonly ProbeCase[];
  stack: boolean;
  swarm: boolean;
}

type Link = (finding: Finding, context: LinkContext) => Linked | { notProbed: string };

/** The name a finding's subject (a reference) names; none for other subjects. */
function referencedNames(finding: Finding, graph: NetworkGraph): string[] {
  const subject = finding.subject;
  if (subject?.kind !== 'reference') return [];
  const ref = graph.referencesFrom(subject.service)[subject.index];
  return ref && graph.isProjectName(ref.name) ? [ref.name] : [];
}

/** The services a project name belongs to, on any network. */
function servicesNamed(graph: NetworkGraph, name: string): string[] {
  const out = new Set<string>();
  if (graph.services.has(name)) out.add(name);
  for (const s of graph.services.values()) if (s.containerName?.value === name) out.add(s.name);
  for (const net of [...graph.networks.keys(), 'bridge']) for (const e of graph.namesOn(net).get(name.toLowerCase()) ?? []) out.add(e.service);
  return [...out];
}

/** The host cases of a service's published bindings: of the entries at `indexes` of its `ports`, or of all. */
function hostCasesOf(context: LinkContext, service: string, indexes?: number[]): ProbeCase[] {
  return context.cases.filter((c) => c.kind === 'host' && c.target.via === 'host' && c.target.service === service && c.target.binding !== undefined && (!indexes || indexes.includes(c.target.binding)));
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
    const mapped = hostCasesOf(context, f.service).map((c) => ({ case: c.id, reachable: false }));
    const onHost = context.cases.filter((c) => c.kind === 'host' && c.target.via === 'host' && c.target.service === f.service && c.target.binding === undefined).map((c) => ({ case: c.id, reachable: true }));
    return { claims: [...mapped, ...onHost] };
  },
  'no-duplicate-published-ports': (f, context) => {
    if (!f.service) return { notProbed: 'the finding names no service' };
    // the conflicts the finding reports (its subject: a binding, or a host-network service's listeners), and of
    // their entries the ones the model says lose the bind (start order)
    const s = f.subject;
    const conflicts = context.graph.portConflicts().filter((x) => (s?.kind === 'binding' ? x.claim.service === s.service && x.claim.binding === s.index : s?.kind === 'service' && x.claim.service === s.service && x.claim.kind === 'listener'));
    if (!conflicts.length) return { notProbed: 'the model has no conflict for the finding\'s subject' };
    const losers = conflicts.flatMap((x) => [x.claim, x.other]).filter((c) => c.binding !== undefined && context.graph.bindingOutcome(c.service, c.binding)?.kind === 'conflict');
    const cases = losers.flatMap((c) => hostCasesOf(context, c.service, [c.binding!]));
    const services = new Set(losers.map((c) => c.service));
    const ports = new Set(conflicts.map((x) => x.start));
    return {
      claims: cases.map((c) => ({ case: c.id, reachable: false })),
      fromEvents: (events) => {
        const hit = events.find((e) => e.kind === 'bind-failed' && e.service !== undefined && services.has(e.service) && e.port !== undefined && ports.has(e.port));
        return hit ? { verdict: 'confirmed', reason: `the engine: ${hit.message}` } : undefined;
      },
    };
  },
  'no-scaled-fixed-host-port': (f) => {
    if (!f.service) return { notProbed: 'the finding names no service' };
    return {
      claims: [],
      fromEvents: (events, twin) => {
        const hit = events.find((e) => e.kind === 'bind-failed' && e.service === f.service && (e.replica ?? 1) > 1);
        if (hit) return { verdict: 'confirmed', reason: `the engine: ${hit.message}` };
        const running = twin.containers.filter((c) => c.service === f.service && c.running).length;
        return running > 1 ? { verdict: 'refuted', reason: `${running} replicas of "${f.service}" started with their ports` } : undefined;
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
    const names = typeof f.data?.name === 'string' ? [f.data.name] : [];
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

/** Links every finding to the cases that observe it. Reads the cases, never changes them: predictions are the model's. */
export function linkFindings(findings: Finding[], context: LinkContext): (Linked | { notProbed: string })[] {
  return findings.map((f) => {
    const link = RULE_PROBES[f.ruleId];
    if (!link) return { notProbed: `no probe observes what ${f.ruleId} checks` };
    return link(f, context);
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
