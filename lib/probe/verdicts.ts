import type { Finding } from '../engine/finding';
import type { ClaimKind, ProbeLink } from '../engine/probe-link';
import type { Rule } from '../engine/rule';
import type { BindingAnswer, NetworkGraph } from '../model/graph';
import type { Publishing } from './publish';
import type { Twin } from './twin';
import type { CaseResult, EngineEvent, FindingVerdict, ProbeCase } from './types';

/** A verdict from what the engine did; `events` are the refusals the finding predicted (the first one is the reason). */
export interface EventVerdict {
  verdict: FindingVerdict['verdict'];
  reason: string;
  events?: EngineEvent[];
}

/** What a finding says the network will do: a case it expects reachable or blocked. */
export interface Claim {
  case: number;
  reachable: boolean;
  /**
   * `refused`: the finding predicts the path exists but nothing listens (a reference to a port no one serves),
   * which the matrix counts as reachable; an answer (`ok`) refutes it, other outcomes decide nothing
   */
  outcome?: 'refused';
}

export interface Linked {
  claims: Claim[];
  /** decided from what the engine did instead of from probes */
  fromEvents?: (events: EngineEvent[], twin: Twin) => EventVerdict | undefined;
}

export interface LinkContext {
  graph: NetworkGraph;
  cases: readonly ProbeCase[];
  stack: boolean;
  swarm: boolean;
  /** what the twin publishes (publish.ts); without it, findings about published ports are not probed */
  publishing?: Publishing;
}

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

/** The indexes in its service's `ports` of the bindings a finding is about: its subject's, else every one. */
function bindingIndexes(finding: Finding, ports: readonly unknown[]): number[] {
  const subject = finding.subject;
  return subject?.kind === 'binding' ? [subject.index] : ports.map((_, i) => i);
}

/**
 * The fixed host ports of the bindings a finding is about that the twin really publishes (publish.ts):
 * the container-port keys (`80/tcp`, as the engine's inspect names them) and the host ports each may take, or why none
 * is published (Swarm mode, the run's bound of published ports, no fixed host port).
 */
function fixedPorts(f: Finding, context: LinkContext): { keys: string[]; hostRanges: [number, number][] } | { notProbed: string } {
  const s = f.service ? context.graph.services.get(f.service) : undefined;
  if (!s || !context.publishing) return { notProbed: 'the twin publishes no ports for it' };
  const indexes = new Set(bindingIndexes(f, s.ports).filter((i) => s.ports[i]?.published));
  const ports = context.publishing.ports(s.name).filter((p) => indexes.has(p.binding) && p.hostRange);
  const published = ports.filter((p) => !p.skip && p.addresses.length);
  if (!published.length) return { notProbed: `the twin did not publish the fixed host ports of "${s.name}"${ports[0]?.skip ? `: ${ports[0].skip}` : ''}` };
  return { keys: published.map((p) => `${p.target}/${p.protocol}`), hostRanges: published.map((p) => p.hostRange!) };
}

/** The host cases of a service's published bindings: of the entries at `indexes` of its `ports`, or of all. */
function hostCasesOf(context: LinkContext, service: string, indexes?: number[]): ProbeCase[] {
  return context.cases.filter((c) => c.kind === 'host' && c.target.via === 'host' && c.target.service === service && c.target.binding !== undefined && (!indexes || indexes.includes(c.target.binding)));
}

const dnsClaims = (context: LinkContext, source: string, names: string[], reachable: boolean): Claim[] =>
  context.cases.filter((c) => c.kind === 'dns' && c.source === source && names.some((n) => n.toLowerCase() === c.column.toLowerCase())).map((c) => ({ case: c.id, reachable }));

/**
 * The connections by address from `source` to each target, each expected as the model says (graph.connected): a name
 * that does not resolve says nothing of the path, which exists where the two share a network (an alias missing only
 * there) and not where they share none (a target off the default bridge for a source on it).
 */
const connectionClaims = (context: LinkContext, source: string, targets: string[]): Claim[] =>
  context.cases.flatMap((c) => ((c.kind === 'tcp' || c.kind === 'udp') && c.source === source && c.target.via !== 'name' && targets.includes(c.target.service) ? [{ case: c.id, reachable: context.graph.connected(source, c.target.service) }] : []));

const confirmedBy = (event: EngineEvent, all: EngineEvent[] = [event]): EventVerdict => ({ verdict: 'confirmed', reason: `the engine: ${event.message}`, events: all });

function eventVerdict(kinds: EngineEvent['kind'][], service: string | undefined, text?: RegExp) {
  return (events: EngineEvent[], twin: Twin): EventVerdict | undefined => {
    // each matching refusal (one per replica) is one the finding predicted
    const hits = events.filter((e) => kinds.includes(e.kind) && !e.consequence && (!service || e.service === service) && (!text || text.test(e.message)));
    if (hits.length) return confirmedBy(hits[0], hits);
    if (service && twin.containers.some((c) => c.service === service && c.running)) return { verdict: 'refuted', reason: `"${service}" started without the engine objecting` };
    return undefined;
  };
}

type ClaimLink = Extract<ProbeLink, { claim: ClaimKind }>;
type Implementation = (finding: Finding, context: LinkContext, link: ClaimLink) => Linked | { notProbed: string };

/** The engine event of `link.events` about the finding's service (any service when it names none) whose message matches, as a verdict. */
function refusal(f: Finding, link: ClaimLink) {
  return eventVerdict([...(link.events ?? [])], f.service, link.message);
}

/**
 * What each kind of claim (lib/engine/probe-link.ts) means on the twin: the cases it expects reachable or
 * blocked, and the engine events that decide it. Rules declare which claim their findings make.
 */
export const CLAIMS: Record<ClaimKind, Implementation> = {
  'name-needs-address': (f, context) => {
    if (!f.service) return { notProbed: 'the finding names no service' };
    const names = referencedNames(f, context.graph);
    const targets = names.flatMap((n) => servicesNamed(context.graph, n));
    // the name does not resolve; the address works where the model connects them (both on the default bridge: only IPs do)
    return { claims: [...dnsClaims(context, f.service, names, false), ...connectionClaims(context, f.service, targets)] };
  },
  'reference-unreachable': (f, context) => {
    if (!f.service) return { notProbed: 'the finding names no service' };
    const names = referencedNames(f, context.graph);
    const targets = names.flatMap((n) => servicesNamed(context.graph, n));
    return { claims: [...dnsClaims(context, f.service, names, false), ...connectionClaims(context, f.service, targets)] };
  },
  'ports-discarded': (f, context) => {
    if (!f.service) return { notProbed: 'the finding names no service' };
    // the mapping is discarded; a host port the service itself listens on (graph.listensOnHost) answers anyway and shows nothing
    const mapped = hostCasesOf(context, f.service)
      .filter((c) => !c.expect)
      .map((c) => ({ case: c.id, reachable: false }));
    const onHost = context.cases.filter((c) => c.kind === 'host' && c.target.via === 'host' && c.target.service === f.service && c.target.binding === undefined).map((c) => ({ case: c.id, reachable: true }));
    return { claims: [...mapped, ...onHost] };
  },
  'port-conflict': (f, context) => {
    if (!f.service) return { notProbed: 'the finding names no service' };
    // the conflicts the finding reports (its subject: a binding, or a host-network service's listeners), and of
    // their entries the ones the model says lose the bind (start order)
    const s = f.subject;
    const conflicts = context.graph.portConflicts().filter((x) => (s?.kind === 'binding' ? x.claim.service === s.service && x.claim.binding === s.index : s?.kind === 'service' && x.claim.service === s.service && x.claim.kind === 'listener'));
    const uncertain = s?.kind === 'binding' ? context.graph.bindingUncertainty(s.service, s.index) : undefined;
    if (!conflicts.length) return { notProbed: uncertain ?? "the model has no conflict for the finding's subject" };
    const losers = conflicts.flatMap((x) => [x.claim, x.other]).filter((c) => c.binding !== undefined && context.graph.bindingOutcome(c.service, c.binding)?.kind === 'conflict');
    const cases = losers.flatMap((c) => hostCasesOf(context, c.service, [c.binding!]));
    const services = new Set(losers.map((c) => c.service));
    const within = (port: number): boolean => conflicts.some((x) => port >= x.start && port <= x.end);
    return {
      claims: cases.map((c) => ({ case: c.id, reachable: false })),
      fromEvents: (events) => {
        const hits = events.filter((e) => e.kind === 'bind-failed' && e.service !== undefined && services.has(e.service) && e.port !== undefined && within(e.port));
        return hits.length ? confirmedBy(hits[0], hits) : undefined;
      },
    };
  },
  'replica-bind-fails': (f, context) => {
    const service = f.service;
    if (!service) return { notProbed: 'the finding names no service' };
    const fixed = fixedPorts(f, context);
    if ('notProbed' in fixed) return fixed;
    return {
      claims: [],
      fromEvents: (events, twin) => {
        // every later replica's failed bind of one of those ports is what the finding predicts
        const hits = events.filter((e) => e.kind === 'bind-failed' && e.service === service && (e.replica ?? 1) > 1 && e.port !== undefined && fixed.hostRanges.some(([a, b]) => e.port! >= a && e.port! <= b));
        if (hits.length) return confirmedBy(hits[0], hits);
        // only replicas the engine really bound a fixed host port for observe the premise
        const bound = twin.containers.filter((c) => c.service === service && c.running && fixed.keys.some((k) => (c.hostPorts?.get(k)?.length ?? 0) > 0)).length;
        if (bound > 1) return { verdict: 'refuted', reason: `${bound} replicas of "${service}" started, each bound to its fixed host port` };
        return { verdict: 'not-probed', reason: `fewer than 2 replicas of "${service}" ran with their fixed host ports bound, so none showed whether a second one can bind` };
      },
    };
  },
  'published-blocked': (f, context) => {
    if (!f.service) return { notProbed: 'the finding names no service' };
    return { claims: hostCasesOf(context, f.service).map((c) => ({ case: c.id, reachable: false })) };
  },
  'name-ambiguous': (f, context) => {
    const names = typeof f.data?.name === 'string' ? [f.data.name] : [];
    const claims = context.cases.filter((c) => c.kind === 'dns' && names.includes(c.column) && (c.expectServices?.length ?? 0) > 1).map((c) => ({ case: c.id, reachable: true }));
    return claims.length ? { claims } : { notProbed: 'no source resolves the ambiguous name' };
  },
  'loopback-refused': (f, context) => {
    const s = f.subject;
    const ref = s?.kind === 'reference' ? context.graph.referencesFrom(s.service)[s.index] : undefined;
    if (!ref || ref.port === undefined) return { notProbed: 'the reference names no port to connect to' };
    const cases = context.cases.filter((c) => c.kind === 'tcp' && c.source === ref.source && c.target.via === 'loopback' && c.target.service === ref.source && c.target.port === ref.port);
    return { claims: cases.map((c) => ({ case: c.id, reachable: true, outcome: 'refused' as const })) };
  },
  'reference-port-refused': (f, context) => {
    const s = f.subject;
    const ref = s?.kind === 'reference' ? context.graph.referencesFrom(s.service)[s.index] : undefined;
    const target = typeof f.data?.target === 'string' ? f.data.target : undefined;
    const behind = Number(f.data?.targetPort);
    if (!ref || ref.port === undefined || !target) return { notProbed: 'the finding names no reference with a port' };
    const tcp = (port: number) => context.cases.filter((c) => c.kind === 'tcp' && c.source === ref.source && c.target.via === 'service' && c.target.service === target && c.target.port === port);
    // the name resolves; its host port is refused, the container port behind it answers
    return { claims: [...dnsClaims(context, ref.source, [ref.name], true), ...tcp(ref.port).map((c) => ({ case: c.id, reachable: true, outcome: 'refused' as const })), ...tcp(behind).map((c) => ({ case: c.id, reachable: true }))] };
  },
  'engine-refuses': (f, _context, link) => ({ claims: [], fromEvents: refusal(f, link) }),
  'network-refused': (f) => ({
    claims: [],
    fromEvents: (events) => {
      const hit = events.find((e) => e.kind === 'network-failed' && e.network === f.network);
      return hit ? confirmedBy(hit) : undefined;
    },
  }),
  'subnets-overlap': (f, _context, link) => ({
    claims: [],
    fromEvents: (events, twin) => {
      const hit = events.find((e) => e.kind === 'network-failed' && (!link.message || link.message.test(e.message)));
      if (hit) return confirmedBy(hit);
      const n = f.network ? twin.networks.get(f.network) : undefined;
      return n?.id && !n.failed ? { verdict: 'refuted', reason: `the engine created network "${f.network}" beside the others` } : undefined;
    },
  }),
};

/**
 * Links every finding to the cases that observe it, by the link its rule declares (`probe` in defineRule);
 * findings of no rule (schema, syntax, configuration) are not probed. Reads the cases, never changes them:
 * predictions are the model's.
 */
export function linkFindings(findings: Finding[], context: LinkContext, rules: readonly Rule[]): (Linked | { notProbed: string })[] {
  const byId = new Map(rules.map((r) => [r.id, r]));
  return findings.map((f) => {
    const link = byId.get(f.ruleId)?.probe;
    if (!link) return { notProbed: `no probe observes what ${f.ruleId} checks` };
    if ('notProbed' in link) return link;
    if (link.when === 'stack-on-swarm' && !(context.stack && context.swarm)) return { notProbed: link.otherwise ?? 'needs the stack on a Swarm manager' };
    if (link.when === 'not-swarm' && context.swarm) return { notProbed: link.otherwise ?? 'the engine is a Swarm manager' };
    return CLAIMS[link.claim](f, context, link);
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
      if (claim.outcome === 'refused') {
        if (r.final.outcome === 'refused') supports.push(claim.case);
        else if (r.final.outcome === 'ok') contradicts.push(claim.case);
        continue;
      }
      ((r.final.reach === 'reachable') === claim.reachable ? supports : contradicts).push(claim.case);
    }
    const cases = link.claims.map((c) => c.case);
    if (fromEvents?.verdict === 'confirmed' && !contradicts.length) return { finding, verdict: 'confirmed', reason: fromEvents.reason, cases, ...(fromEvents.events ? { events: fromEvents.events } : {}) };
    if (contradicts.length) {
      const r = byId.get(contradicts[0])!;
      return { finding, verdict: 'refuted', reason: `${describe(r.case)}: ${r.final!.reach} (${r.final!.detail})`, cases: contradicts };
    }
    // a claim about the outcome names it (refused), others the matrix's reach
    const seen = (id: number): string => (link.claims.find((c) => c.case === id)?.outcome ? byId.get(id)!.final!.outcome : byId.get(id)!.final!.reach);
    if (supports.length) return { finding, verdict: 'confirmed', reason: supports.map((id) => `${describe(byId.get(id)!.case)}: ${seen(id)}`).join('; '), cases: supports };
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

/**
 * Marks each engine event `predicted` or not (issue 13, cause 14): a refusal a confirmed finding cites
 * (for a bind that failed, any replica of that service failing that host port and protocol), a bind the
 * model says the binding loses (BindingOutcome `conflict`, or a replica beyond `replicasBound` of a pool) or may
 * lose (graph.bindingUncertainty), and a container the twin gave up on because
 * the namespace it joins has none (its owner's refusal is what counts). Every other event is a refusal
 * nothing predicted: a disagreement. Returns how many those are.
 */
export function markPredicted(events: EngineEvent[], verdicts: readonly FindingVerdict[], graph: NetworkGraph): number {
  const cited = verdicts.filter((v) => v.verdict === 'confirmed').flatMap((v) => v.events ?? []);
  const sameBind = (a: EngineEvent, b: EngineEvent): boolean => a.kind === 'bind-failed' && b.kind === 'bind-failed' && a.service === b.service && a.port === b.port && a.protocol === b.protocol;
  // a failed bind of one of the service's entries that `allowed` accepts (by host port and protocol)
  const failsIn = (e: EngineEvent, allowed: (b: BindingAnswer) => boolean): boolean =>
    e.kind === 'bind-failed' &&
    e.service !== undefined &&
    graph.bindings(e.service).some((b) => allowed(b) && b.binding.protocol === e.protocol && b.binding.published !== undefined && e.port! >= b.binding.published.value.start && e.port! <= b.binding.published.value.end);
  const modelLoses = (e: EngineEvent): boolean => failsIn(e, (b) => b.outcome.kind === 'conflict' || (b.outcome.kind === 'bound' && b.outcome.replicasBound !== undefined));
  // a bind the model calls uncertain (graph.bindingUncertainty) may fail: the engine's state decides, and it did
  const modelAllows = (e: EngineEvent): boolean => failsIn(e, (b) => graph.bindingUncertainty(b.service, b.index) !== undefined);
  let unpredicted = 0;
  for (const e of events) {
    e.predicted = e.consequence === true || cited.some((c) => c === e || sameBind(c, e)) || modelLoses(e) || modelAllows(e);
    if (!e.predicted) unpredicted++;
  }
  return unpredicted;
}
