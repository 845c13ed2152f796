import { defineRule } from '../lib/engine/rule';

const PREFIX = 'service "{{source}}" connects to "{{address}}" ({{via}}), which inside a container is that container itself, ';

export default defineRule({
  id: 'no-loopback-reference',
  category: 'correctness',
  severity: 'error',
  description: 'Disallow reaching another service through localhost, 127.0.0.1, ::1 or 0.0.0.0',
  probe: { claim: 'loopback-refused', cells: ['tcp'] },
  messages: {
    port: PREFIX + 'but port {{port}} is declared by {{owners}}, not by "{{source}}"; the connection is refused. use {{fix}}',
    published: PREFIX + "but {{port}} is the host port {{owners}} publishes{{mapping}}, and a container's loopback is not the host's; the connection is refused. use {{fix}}",
    name: PREFIX + 'but {{via}} names {{owners}}, another container; the connection is refused. use {{fix}}',
  },

  check(graph, context) {
    for (const source of graph.services.keys()) {
      const refs = graph.referencesFrom(source);
      refs.forEach((ref, index) => {
        const meaning = graph.loopback(ref);
        if (meaning?.kind !== 'other') return;
        const single = meaning.targets.length === 1 ? meaning.targets[0] : undefined;
        const port = meaning.by === 'published' ? meaning.targetPort : ref.port;
        const data: Record<string, string | number> = {
          source,
          address: ref.port === undefined ? ref.name : `${ref.name.includes(':') ? `[${ref.name}]` : ref.name}:${ref.port}`,
          via: ref.variable ?? ref.kind,
          port: ref.port ?? '',
          owners: owners(meaning.targets),
          mapping: single && meaning.targetPort !== undefined ? ` ("${ref.port}:${meaning.targetPort}")` : '',
          fix: single ? `"${single}${port === undefined ? '' : `:${port}`}"` : `the name of the service meant (${owners(meaning.targets)})`,
        };
        // for a later --fix: the one service the reference should name, and its port
        if (single) data.replacement = single;
        if (single && port !== undefined) data.replacementPort = port;
        context.report({ messageId: meaning.by, at: ref, service: source, subject: { kind: 'reference', service: source, index }, data });
      });
    }
  },
});

/** `service "db"`, `services "a" and "b"` */
function owners(targets: string[]): string {
  const q = targets.map((t) => `"${t}"`);
  return `${q.length > 1 ? 'services' : 'service'} ${q.length > 1 ? `${q.slice(0, -1).join(', ')} and ${q[q.length - 1]}` : q[0]}`;
}
