import { lineOf, portList } from '../lib/engine/messages';
import { removeServiceKey } from '../lib/engine/fix';
import { defineRule } from '../lib/engine/rule';
import type { Span } from '../lib/source/span';

export default defineRule({
  id: 'no-host-network-ports',
  category: 'correctness',
  severity: 'warning',
  description: 'Disallow publishing ports from a service that uses host networking',
  // `docker stack deploy` ignores `network_mode`, so there the ports are published as usual
  modes: ['compose'],
  probe: { claim: 'ports-discarded', cells: ['host'] },
  // Docker discards the ports anyway: removing them changes nothing that runs
  fix: 'safe',
  messages: {
    discarded:
      'service "{{service}}" publishes {{ports}} but uses network_mode "host" ({{where}}); Docker discards published ports under host networking ' +
      "and the application listens on the host's own ports (the container ports, not the published ones). " +
      '{{fix}} and make the application listen on the host port it needs',
  },
  check(graph, context) {
    for (const service of graph.services.values()) {
      const ns = graph.namespace(service.name);
      // `service:X` joiners may not declare ports at all; the engine rejects them (another rule's concern)
      if (ns.kind !== 'host' || ns.joins !== undefined || !service.networkMode) continue;
      const known = service.ports.filter((p) => !p.unknown && !p.invalid);
      const key = service.keys.get('ports');
      if (known.length === 0 || !key) continue;
      context.report({
        messageId: 'discarded',
        at: key,
        service: service.name,
        data: { service: service.name, ports: portList(known), where: lineOf(service.networkMode.span, key.span), fix: fix(graph.model.files, service.networkMode.span, key.span, 'ports') },
        related: [{ message: 'host networking is chosen here', at: service.networkMode }],
        fix: removeServiceKey(service, 'ports', service.ports, graph.model.files, service.networkMode.span),
      });
    }
  },
});

/** Remove the key; when a later file chose the network mode, the key must be reset there instead. */
function fix(files: readonly string[], mode: Span, key: Span, name: string): string {
  return files.indexOf(mode.file) > files.indexOf(key.file) ? `reset them in "${mode.file}" with "${name}: !reset []"` : `remove "${name}"`;
}
