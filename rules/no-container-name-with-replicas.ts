import { lineOf } from '../lib/engine/messages';
import { defineRule } from '../lib/engine/rule';

export default defineRule({
  id: 'no-container-name-with-replicas',
  category: 'correctness',
  severity: 'error',
  description: 'Disallow container_name on a service that runs more than one replica',
  // `docker stack deploy` ignores container_name (no-swarm-unsupported-options reports it there)
  modes: ['compose'],
  probe: { notProbed: 'the twin names its containers itself' },
  messages: {
    replicas:
      'service "{{service}}" sets container_name "{{name}}" but runs {{count}} replicas ({{where}}); container names are unique, so Compose refuses the project ' +
      '("can\'t set container_name and {{service}} as container name must be unique"). remove "container_name" or run one replica',
  },
  check(graph, context) {
    for (const service of graph.services.values()) {
      const name = service.containerName;
      const { count, span } = service.replicas;
      if (!name || name.unknown || count === undefined || count <= 1 || !span) continue;
      context.report({
        messageId: 'replicas',
        at: name,
        service: service.name,
        data: { service: service.name, name: name.value, count, where: lineOf(span, name.span) },
        related: [{ message: `${count} replicas set here`, at: { span } }],
      });
    }
  },
});
