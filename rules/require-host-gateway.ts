import type { FixProposal } from '../lib/engine/fix';
import { defineRule } from '../lib/engine/rule';
import type { Service } from '../lib/model/types';

export default defineRule({
  id: 'require-host-gateway',
  category: 'portability',
  severity: 'warning',
  description: 'Require an extra_hosts host-gateway entry for host.docker.internal on engines that do not add it',
  // the name then resolves to the host: what the reference meant, but a new entry in the container's /etc/hosts
  fix: 'changes-behaviour',
  probe: { notProbed: 'extra_hosts writes /etc/hosts, which the probe’s nslookup does not read, and the twin asks no resolver outside it' },
  messages: {
    missing:
      'service "{{source}}" references "{{name}}" ({{via}}), which {{engine}} resolves only through extra_hosts ({{addedBy}}); ' + 'without such an entry the name will not resolve. add "{{name}}:host-gateway" to the extra_hosts of "{{owner}}"',
  },

  check(graph, context) {
    for (const source of graph.services.keys()) {
      const refs = graph.referencesFrom(source);
      // one finding per name and service, at the first place it is used; the others are listed with it
      const byName = new Map<string, number[]>();
      refs.forEach((ref, index) => {
        if (graph.hostInternalResolves(source, ref.name) !== false) return;
        const key = ref.name.toLowerCase();
        byName.set(key, [...(byName.get(key) ?? []), index]);
      });
      for (const [name, indexes] of byName) {
        const [first, ...rest] = indexes.sort((a, b) => graph.compareSpans(refs[a].span, refs[b].span));
        const ref = refs[first];
        context.report({
          messageId: 'missing',
          at: ref,
          service: source,
          subject: { kind: 'reference', service: source, index: first },
          related: rest.map((i) => ({ message: `"${refs[i].name}" also referenced here`, at: refs[i] })),
          fix: hostGatewayFix(graph.services.get(graph.namespace(source).owner), ref.name),
          data: {
            source,
            name: ref.name,
            via: ref.variable ?? ref.kind,
            engine: graph.engine.name,
            owner: graph.namespace(source).owner,
            addedBy: name === 'host.docker.internal' ? 'Docker Desktop and Podman 4.7+ add it themselves' : 'Podman adds it itself',
          },
        });
      }
    }
  },
});

/**
 * Adds `NAME:host-gateway` to the `extra_hosts` of the service that owns the network namespace (a new block
 * list, or an item appended to its block list). None where `extra_hosts` came through a merge key (a key
 * written beside it would replace the merged list).
 */
function hostGatewayFix(service: Service | undefined, name: string): FixProposal | undefined {
  if (!service || service.keys.get('extra_hosts')?.origin) return undefined;
  const entry = `${name}:host-gateway`;
  return { title: `add "${entry}" to the extra_hosts of service "${service.name}"`, edits: [{ op: 'add', in: service.span, path: ['extra_hosts'], value: [entry] }] };
}
