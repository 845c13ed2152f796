import { defineRule } from '../lib/engine/rule';
import type { NetworkGraph, Reference } from '../lib/model/graph';

export default defineRule({
  id: 'no-default-bridge-dns',
  category: 'correctness',
  severity: 'error',
  description: 'Disallow referring to another service by name from the default bridge without a legacy link',
  precision: 'high',
  // docker stack deploy ignores network_mode, so a stack service is never on the default bridge
  modes: ['compose'],
  probe: { claim: 'name-needs-address', cells: ['dns', 'tcp', 'udp'] },
  messages: {
    unlinked:
      'service "{{source}}" references "{{name}}" ({{via}}), but it is on the default bridge (network_mode "bridge"), where Docker resolves no container names, ' +
      'and no legacy link provides "{{name}}"; the name will not resolve. add "{{link}}" to its "links", or attach both services to a user-defined network',
    aliasedLink:
      'service "{{source}}" references "{{name}}" ({{via}}), but it is on the default bridge (network_mode "bridge"), where only legacy links resolve, ' +
      'and its link to "{{target}}" is named "{{alias}}": a link writes its link name and the container name into /etc/hosts, not the service name, so "{{name}}" will not resolve. ' +
      'use "{{alias}}", or add "{{name}}" to its "links" too',
    offBridge:
      'service "{{source}}" references "{{name}}" ({{via}}), but it is on the default bridge (network_mode "bridge"), where Docker resolves no container names, ' +
      'and "{{target}}" {{where}}, out of reach of legacy links; the name will not resolve. attach both services to a common user-defined network',
  },
  check(graph, context) {
    for (const source of graph.services.keys()) {
      const ns = graph.namespace(source);
      if (ns.kind !== 'bridge' || ns.broken) continue;
      // one finding per target service: the first reference is blamed, the others are related
      const byTarget = new Map<string, Reference[]>();
      for (const ref of graph.referencesFrom(source)) {
        // depends_on only orders startup; external_links name containers outside the project
        if (ref.kind === 'depends_on' || ref.kind === 'external_links') continue;
        if (!graph.isProjectName(ref.name) || graph.resolves(source, ref.name).length > 0 || graph.extraHost(source, ref.name)) continue;
        const owners = graph.ownersOf(ref.name).filter((o) => graph.namespace(o).owner !== ns.owner);
        const target = owners.find((o) => graph.namespace(o).kind === 'bridge') ?? owners[0];
        if (target === undefined) continue;
        const tns = graph.namespace(target);
        if (tns.broken || tns.kind === 'external-container' || tns.kind === 'unknown-network') continue;
        // a link to a service on the bridge works, whatever it is named; only the names it writes are in question
        if (ref.kind === 'links' && tns.kind === 'bridge' && tns.joins === undefined) continue;
        // an undeclared network stops the project (no-undefined-network); where it would have led is a guess
        if (graph.attachments(target).some((a) => !graph.networks.has(a.network))) continue;
        if (!byTarget.has(target)) byTarget.set(target, []);
        byTarget.get(target)!.push(ref);
      }
      for (const [target, refs] of byTarget) {
        const [first, ...rest] = refs.sort((a, b) => graph.compareSpans(a.span, b.span));
        const tns = graph.namespace(target);
        const onBridge = tns.kind === 'bridge' && tns.joins === undefined;
        const aliased = onBridge ? graph.services.get(source)!.links.find((l) => l.service === target && l.alias !== target) : undefined;
        context.report({
          messageId: !onBridge ? 'offBridge' : aliased && first.name === target ? 'aliasedLink' : 'unlinked',
          at: first,
          service: source,
          subject: { kind: 'reference', service: source, index: graph.referencesFrom(source).indexOf(first) },
          data: {
            source,
            name: first.name,
            via: first.variable ?? first.kind,
            target,
            link: first.name === target ? target : `${target}:${first.name}`,
            where: onBridge ? '' : where(graph, target),
            alias: aliased?.alias ?? '',
          },
          related: rest.map((r) => ({ message: `"${r.name}" also referenced here`, at: r })),
        });
      }
    }
  },
});

/** Where a service that is not on the default bridge lives, for the message. */
function where(graph: NetworkGraph, service: string): string {
  const ns = graph.namespace(service);
  if (ns.joins !== undefined) return `shares the network namespace of "${ns.owner}"`;
  if (ns.kind === 'host' || ns.kind === 'none') return `uses network_mode "${ns.kind}"`;
  const networks = graph
    .attachments(service)
    .map((a) => `"${a.network}"`)
    .sort();
  return `is on ${networks.length > 1 ? 'networks' : 'network'} ${networks.join(', ')}`;
}
