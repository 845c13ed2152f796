import { defineRule } from '../lib/engine/rule';

export default defineRule({
  id: 'no-host-port-between-services',
  category: 'correctness',
  severity: 'error',
  description: 'Disallow reaching another service on the host port it publishes instead of its container port',
  probe: { claim: 'reference-port-refused', cells: ['dns', 'tcp'] },
  messages: {
    hostPort:
      'service "{{source}}" connects to "{{address}}" ({{via}}), but {{port}} is the host port "{{target}}" publishes ("{{binding}}", line {{line}}); ' +
      'between containers "{{target}}" is reached on its container port, so port {{port}} is refused. use "{{name}}:{{targetPort}}"{{throughHost}}',
  },

  check(graph, context) {
    for (const source of graph.services.keys()) {
      graph.referencesFrom(source).forEach((ref, index) => {
        if (ref.port === undefined || ref.kind === 'depends_on' || ref.kind === 'links' || ref.kind === 'external_links') return;
        const targets = [...new Set(graph.resolves(source, ref.name).map((r) => r.service))];
        // an ambiguous name is no-ambiguous-alias's; an unresolved one no-unreachable-reference's
        if (targets.length !== 1) return;
        const [target] = targets;
        if (graph.listensOn(target, ref.port)) return;
        const behind = graph.containerPortBehind(target, ref.port);
        if (!behind || behind.port === ref.port) return;
        const b = behind.binding;
        context.report({
          messageId: 'hostPort',
          // the wrong part is the port: blamed where it is written, the name's span when it cannot be placed
          at: ref.portSpan ? { span: ref.portSpan, ...(ref.origin ? { origin: ref.origin } : {}) } : ref,
          service: source,
          subject: { kind: 'reference', service: source, index },
          related: [{ message: `"${target}" publishes host port ${ref.port} here`, at: b }],
          data: {
            source,
            target,
            name: ref.name,
            address: `${ref.name}:${ref.port}`,
            via: ref.variable ?? ref.kind,
            port: ref.port,
            targetPort: behind.port,
            binding: b.text ?? `${ref.port}:${behind.port}`,
            line: b.span.line,
            throughHost: graph.extraHost(source, 'host.docker.internal') ? `, or "host.docker.internal:${ref.port}" to go through the host` : '',
            replacement: ref.name,
            replacementPort: behind.port,
          },
        });
      });
    }
  },
});
