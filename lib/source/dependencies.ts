import { quoteValue, shorten, type Diagnostic } from './diagnostic';
import type { Span } from './span';
import { parseLink, parseNetworkMode } from '../syntax/compose';
import { get, isMap, isScalar, isSeq, type Entry, type Node } from './tree';
import { allBut, didYouMean } from '../util/suggest';

/** How one service depends on another; compose-go's Normalize turns each into a `depends_on` entry. */
export type DependencyVia = 'depends_on' | 'links' | 'network_mode' | 'ipc' | 'pid' | 'uts' | 'cgroup' | 'volumes_from';

/** One dependency as written: the service named, how, whether it is required, and the span of the reference. */
export interface Dependency {
  target: string;
  via: DependencyVia;
  required: boolean;
  span: Span;
}

const NAMESPACES = ['network_mode', 'ipc', 'pid', 'uts', 'cgroup'] as const;

/**
 * The dependencies of one service (a services-map value), in compose-go's order: `depends_on` (list or map;
 * `required: false` kept), then `links` (`svc` or `svc:alias`), then `network_mode`/`ipc`/`pid`/`uts`/`cgroup`
 * `service:X`, then `volumes_from` (not `container:…`; `svc[:ro|rw]`). A target already named earlier is not
 * repeated, as compose-go loader/normalize.go Normalize adds one only "if _, ok := dependsOn[x]; !ok".
 * Unresolved (interpolation left unknown) values are skipped.
 */
export function dependenciesOf(service: Node): Dependency[] {
  const out = new Map<string, Dependency>();
  const add = (target: string, via: DependencyVia, span: Span, required = true) => {
    if (target !== '' && !out.has(target)) out.set(target, { target, via, required, span });
  };
  const texts = (node: Node | undefined): { text: string; span: Span }[] => {
    // most of the keys read here are absent
    if (node === undefined) return [];
    const out: { text: string; span: Span }[] = [];
    for (const n of isSeq(node) ? node.items : [node]) if (isScalar(n) && typeof n.value === 'string' && !n.unknown) out.push({ text: n.value, span: n.span });
    return out;
  };

  const dependsOn = get(service, 'depends_on');
  if (isMap(dependsOn)) {
    for (const e of dependsOn.entries.values()) {
      const required = get(e.value, 'required');
      add(e.key, 'depends_on', e.keySpan, !(isScalar(required) && (required.value === false || required.value === 'false')));
    }
  } else for (const t of texts(dependsOn)) add(t.text, 'depends_on', t.span);
  for (const t of texts(get(service, 'links'))) add(parseLink(t.text).service, 'links', t.span);
  for (const key of NAMESPACES) {
    for (const t of texts(get(service, key))) {
      // ipc, pid, uts and cgroup take the same `service:NAME` form as network_mode
      const mode = parseNetworkMode(t.text);
      if (mode.kind === 'service') add(mode.target!, key, t.span);
    }
  }
  for (const t of texts(get(service, 'volumes_from'))) if (!t.text.startsWith('container:')) add(t.text.split(':')[0], 'volumes_from', t.span);
  return [...out.values()];
}

/**
 * The project errors of the service dependency graph, as compose-go refuses them after profiles are applied:
 * - a dependency on a service that is not defined, or is left out by its profiles while required:
 *   `service "web" depends on undefined service "db"` (loader/validate.go checkConsistency), at the reference, with
 *   "did you mean" when another active service's name is a near miss (lib/util/suggest `closest`);
 * - each dependency cycle: `dependency cycle detected: a -> b -> a` (graph/cycle.go checkCycle, whose walk takes
 *   names in sorted order), at the reference that closes it, the other links in related.
 * Compose stops at the first; here every one is reported, once. A `network_mode: service:X` to a missing service
 * and a cycle made only of network_mode are left to the rule no-network-mode-conflict, which reports them.
 * `active` are the services that run (by name), `inactive` those left out by profiles.
 */
export function dependencyDiagnostics(active: Map<string, Entry>, inactive: Entry[]): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const disabled = new Map(inactive.map((e) => [e.key, e]));
  const edges = new Map<string, Dependency[]>();
  for (const [name, e] of active) {
    const kept: Dependency[] = [];
    for (const d of dependenciesOf(e.value)) {
      if (active.has(d.target)) {
        kept.push(d);
        continue;
      }
      if (d.via === 'network_mode' || (disabled.has(d.target) && !d.required)) continue;
      const profiles = disabled.has(d.target) ? profilesOf(disabled.get(d.target)!.value) : undefined;
      const why = profiles
        ? `${quoteValue(d.target)} is only in profile${profiles.length === 1 ? '' : 's'} ${profiles.map(quoteValue).join(', ')}, none of them active; enable one with --profile, or remove the reference`
        : `define ${quoteValue(d.target)}, or remove the reference${didYouMean(d.target, allBut(active.keys(), name))}`;
      diagnostics.push({
        ruleId: 'compose-load',
        severity: 'error',
        message: `service ${quoteValue(name)} depends on undefined service ${quoteValue(d.target)} (through ${via(d)}); Compose refuses the project. ${why}`,
        span: d.span,
      });
    }
    edges.set(
      name,
      kept.sort((a, b) => (a.target < b.target ? -1 : a.target > b.target ? 1 : 0)),
    );
  }
  for (const component of cyclicComponents(edges)) {
    const cycle = findCycle(component, edges);
    if (!cycle) continue;
    const closing = cycle[cycle.length - 1];
    diagnostics.push({
      ruleId: 'compose-load',
      severity: 'error',
      message: `dependency cycle detected: ${[...cycle.map((d) => d.from), cycle[0].from].map(shorten).join(' -> ')}; Compose refuses the project. remove one of the dependencies (the last, ${via(closing.dep)} of ${quoteValue(closing.from)}, is here)`,
      span: closing.dep.span,
      related: cycle.slice(0, -1).map((l) => ({ message: `${quoteValue(l.from)} depends on ${quoteValue(l.dep.target)} here (${via(l.dep)})`, span: l.dep.span })),
    });
  }
  return diagnostics;
}

function via(d: Dependency): string {
  return d.via === 'depends_on' || d.via === 'links' || d.via === 'volumes_from' ? `"${d.via}"` : quoteValue(`${d.via}: service:${d.target}`);
}

/** The `profiles` a service declares, as text (none when it declares none). */
export function profilesOf(service: Node): string[] {
  const declared = get(service, 'profiles');
  return isSeq(declared) ? declared.items.filter(isScalar).map((n) => String(n.value)) : [];
}

/** Strongly connected components that hold a cycle (more than one member, or a self-dependency); iterative Tarjan. */
function cyclicComponents(edges: Map<string, Dependency[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  let counter = 0;
  for (const root of [...edges.keys()].sort()) {
    if (index.has(root)) continue;
    const work: { node: string; next: number }[] = [{ node: root, next: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length) {
      const frame = work[work.length - 1];
      const deps = edges.get(frame.node)!;
      if (frame.next < deps.length) {
        const child = deps[frame.next++].target;
        if (!index.has(child)) {
          index.set(child, counter);
          low.set(child, counter++);
          stack.push(child);
          onStack.add(child);
          work.push({ node: child, next: 0 });
        } else if (onStack.has(child)) low.set(frame.node, Math.min(low.get(frame.node)!, index.get(child)!));
        continue;
      }
      work.pop();
      if (work.length) low.set(work[work.length - 1].node, Math.min(low.get(work[work.length - 1].node)!, low.get(frame.node)!));
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        if (component.length > 1 || edges.get(frame.node)!.some((d) => d.target === frame.node)) out.push(component.sort());
      }
    }
  }
  return out;
}

interface Link {
  from: string;
  dep: Dependency;
}

/**
 * One cycle inside a component, as compose-go's searchCycle finds it: from a member, follow the first (sorted)
 * dependency that stays in the component until a service repeats. Members are tried in sorted order until the
 * cycle has a link other than network_mode (a pure network_mode cycle is no-network-mode-conflict's).
 */
function findCycle(component: string[], edges: Map<string, Dependency[]>): Link[] | undefined {
  const members = new Set(component);
  // a component joined only by network_mode has no other cycle: answer at once, not after a walk from every member (n²)
  if (component.every((m) => edges.get(m)!.every((d) => d.via === 'network_mode' || !members.has(d.target)))) return undefined;
  for (const start of component) {
    const path: Link[] = [];
    const seen = new Map<string, number>();
    let current = start;
    while (!seen.has(current)) {
      seen.set(current, path.length);
      const dep = edges.get(current)!.find((d) => members.has(d.target))!;
      path.push({ from: current, dep });
      current = dep.target;
    }
    const cycle = path.slice(seen.get(current)!);
    if (cycle.some((l) => l.dep.via !== 'network_mode')) return cycle;
  }
  return undefined;
}
