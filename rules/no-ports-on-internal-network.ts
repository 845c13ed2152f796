import { lineOf, portList } from '../lib/engine/messages';
import { defineRule } from '../lib/engine/rule';
import type { Located } from '../lib/model/types';

export default defineRule({
  id: 'no-ports-on-internal-network',
  category: 'correctness',
  severity: 'warning',
  description: 'Disallow publishing ports from a service attached only to internal networks',
  probe: { claim: 'published-blocked', cells: ['host'] },
  messages: {
    unreachable:
      'service "{{service}}" publishes {{ports}} but is attached only to {{networks}}; Docker sets up no port forwarding for a container ' +
      'whose every network is internal, so nothing answers on the host. attach the service to a non-internal network as well, or remove "ports"',
  },
  check(graph, context) {
    for (const service of graph.services.values()) {
      // which ports the internal networks strand is the model's answer (in a stack, only mode "host" ones: Swarm
      // publishes ingress ports through its ingress network, which is never internal)
      const bindings = graph
        .bindings(service.name)
        .filter((a) => a.outcome.kind === 'unreachable' && a.outcome.why === 'only-internal')
        .map((a) => a.binding);
      const key = service.keys.get('ports');
      if (bindings.length === 0 || !key) continue;
      const internal = [...new Set(graph.attachments(service.name).map((a) => a.network))].sort().map((name) => ({ name, flag: graph.networks.get(name)!.internal! }));
      const networks = internal.map((n) => `"${n.name}" (${lineOf(n.flag.span, key.span)})`).join(', ');
      context.report({
        messageId: 'unreachable',
        at: key,
        service: service.name,
        ...(internal.length === 1 ? { network: internal[0].name } : {}),
        data: { service: service.name, ports: portList(bindings), networks: `${internal.length === 1 ? 'internal network' : 'internal networks'} ${networks}` },
        related: internal.map((n) => ({ message: `network "${n.name}" is made internal here`, at: n.flag as Located<boolean> })),
      });
    }
  },
});
