import { lineOf } from '../lib/engine/messages';
import { removeServiceKey } from '../lib/engine/fix';
import { defineRule } from '../lib/engine/rule';
import { bindingText } from '../lib/model/ports';
import { formatExpose } from '../lib/syntax/compose';
import type { Span } from '../lib/source/span';

export default defineRule({
  id: 'no-ports-on-none-network',
  category: 'correctness',
  severity: 'warning',
  description: 'Disallow publishing or exposing ports from a service without a network (network_mode none)',
  // `docker stack deploy` ignores `network_mode`, so there the service gets a network as usual
  modes: ['compose'],
  probe: { claim: 'published-blocked', cells: ['host'] },
  // nothing can reach a port of a container without a network: removing them changes nothing that runs
  fix: 'safe',
  messages: {
    ports: 'service "{{service}}" publishes {{ports}} but uses network_mode "none" ({{where}}); the container has only a loopback interface, ' + 'so nothing can ever reach {{them}}. {{fix}}, or attach the service to a network',
    expose: 'service "{{service}}" exposes {{ports}} but uses network_mode "none" ({{where}}); the container has only a loopback interface, ' + 'so no other container can ever reach {{them}}. {{fix}}, or attach the service to a network',
  },
  check(graph, context) {
    for (const service of graph.services.values()) {
      const ns = graph.namespace(service.name);
      // `service:X` joiners may not declare ports or expose at all; the engine rejects them (another rule's concern)
      if (ns.kind !== 'none' || ns.joins !== undefined || !service.networkMode) continue;
      const mode = service.networkMode;
      const lists: ['ports' | 'expose', string[], readonly { span: Span; origin?: Span }[]][] = [
        ['ports', service.ports.filter((p) => !p.unknown && !p.invalid).map((p) => `"${bindingText(p)}"`), service.ports],
        ['expose', service.expose.filter((p) => !p.unknown && !p.invalid).map((p) => `"${formatExpose(p)}"`), service.expose],
      ];
      for (const [name, texts, entries] of lists) {
        const key = service.keys.get(name);
        if (texts.length === 0 || !key) continue;
        context.report({
          messageId: name,
          at: key,
          service: service.name,
          data: { service: service.name, ports: `${texts.length === 1 ? 'port' : 'ports'} ${texts.join(', ')}`, where: lineOf(mode.span, key.span), fix: fix(graph.model.files, mode.span, key.span, name), them: texts.length === 1 ? 'it' : 'them' },
          related: [{ message: 'the service is left without a network here', at: mode }],
          fix: removeServiceKey(service, name, entries, graph.model.files, mode.span),
        });
      }
    }
  },
});

/** Remove the key; when a later file chose the network mode, the key must be reset there instead. */
function fix(files: readonly string[], mode: Span, key: Span, name: string): string {
  return files.indexOf(mode.file) > files.indexOf(key.file) ? `reset them in "${mode.file}" with "${name}: !reset []"` : `remove "${name}"`;
}
