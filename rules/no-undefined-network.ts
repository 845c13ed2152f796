import { defineRule } from '../lib/engine/rule';
import { closest, quotedList } from '../lib/util/suggest';

export default defineRule({
  id: 'no-undefined-network',
  category: 'correctness',
  severity: 'error',
  description: 'Disallow attaching a service to a network the project does not declare',
  probe: { notProbed: 'Compose refuses the project before the engine sees it; the twin leaves the service out' },
  messages: {
    undefined: 'service "{{service}}" attaches to network "{{network}}", which is not declared under the top-level "networks"{{suggestion}}; ' + 'Compose refuses to start the project. declare it (declared: {{declared}})',
  },
  check(graph, context) {
    const declared = [...graph.networks.values()].filter((n) => n.declared).map((n) => n.name);
    const list = declared.length ? quotedList(declared.sort()) : 'none';
    for (const service of graph.services.values()) {
      for (const attachment of service.networks) {
        if (attachment.implicit || graph.networks.has(attachment.name)) continue;
        context.report({
          messageId: 'undefined',
          at: attachment,
          service: service.name,
          network: attachment.name,
          data: { service: service.name, network: attachment.name, suggestion: suggestion(closest(attachment.name, declared)), declared: list },
        });
      }
    }
  },
});

function suggestion(near: string | undefined): string {
  return near === undefined ? '' : ` (did you mean "${near}"?)`;
}
