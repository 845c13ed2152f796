import type { FixProposal } from '../lib/engine/fix';
import { defineRule } from '../lib/engine/rule';
import type { Reference } from '../lib/model/references';

const PREFIX = 'service "{{source}}" connects to "{{address}}" ({{via}}), which inside a container is that container itself, ';

export default defineRule({
  id: 'no-loopback-reference',
  category: 'correctness',
  severity: 'error',
  description: 'Disallow reaching another service through localhost, 127.0.0.1, ::1 or 0.0.0.0',
  probe: { claim: 'loopback-refused', cells: ['tcp'] },
  // the application then connects to another container: what the user meant, but a different connection
  fix: 'changes-behaviour',
  messages: {
    port: PREFIX + 'but port {{port}} is declared by {{owners}}, not by "{{source}}"; the connection is refused. use {{fix}}',
    published: PREFIX + "but {{port}} is the host port {{owners}} publishes{{mapping}}, and a container's loopback is not the host's; the connection is refused. use {{fix}}",
    name: PREFIX + 'but {{via}} names {{owners}}, another container; the connection is refused. use {{fix}}',
    hostNetwork: 'service "{{source}}" uses the host\'s network, so "{{address}}" ({{via}}) is port {{port}} of the host, but {{port}} is the container port of {{owners}}{{reach}}; ' + 'nothing of the project listens on host port {{port}}. {{fix}}',
  },

  check(graph, context) {
    for (const source of graph.services.keys()) {
      const refs = graph.referencesFrom(source);
      refs.forEach((ref, index) => {
        const meaning = graph.loopback(ref);
        if (meaning?.kind === 'host-miss') return reportHostMiss(ref, index, meaning);
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
        const fix = single ? serviceFix(ref, single, meaning.by === 'published' ? meaning.targetPort : undefined) : undefined;
        context.report({ messageId: meaning.by, at: ref, service: source, subject: { kind: 'reference', service: source, index }, data, fix });
      });
    }

    /** A host-network service's loopback port that is only another service's container port (LoopbackMeaning `host-miss`). */
    function reportHostMiss(ref: Reference, index: number, meaning: { targets: string[]; hostPort?: number }): void {
      const address = `${ref.name.includes(':') ? `[${ref.name}]` : ref.name}:${ref.port}`;
      const published = meaning.hostPort !== undefined ? `${ref.name.includes(':') ? `[${ref.name}]` : ref.name}:${meaning.hostPort}` : undefined;
      const data: Record<string, string | number> = {
        source: ref.source,
        address,
        via: ref.variable ?? ref.kind,
        port: ref.port!,
        owners: owners(meaning.targets),
        reach: meaning.hostPort !== undefined ? `, published on the host as port ${meaning.hostPort}` : ', which is not published on the host',
        fix: published ? `use "${published}"` : `publish it ("HOST_PORT:${ref.port}") and use that host port`,
      };
      if (meaning.hostPort !== undefined) data.replacementPort = meaning.hostPort;
      // the port digits as written become the published port; none where they cannot be placed or came through an alias
      const fix: FixProposal | undefined =
        meaning.hostPort !== undefined && ref.portSpan && !ref.origin
          ? { title: `connect to "${published}" instead of "${address}"`, edits: [{ op: 'replace', at: ref.portSpan, value: String(meaning.hostPort), expect: String(ref.port) }] }
          : undefined;
      context.report({ messageId: 'hostNetwork', at: ref.portSpan ? { span: ref.portSpan } : ref, service: ref.source, subject: { kind: 'reference', service: ref.source, index }, data, fix });
    }
  },
});

/**
 * The loopback host replaced by the one service meant; for a published host port, `HOST:PORT` becomes
 * `SERVICE:TARGET`, the container port behind it. None for a bracketed IPv6 loopback (`[::1]`) or a
 * reference that came through an alias; the fix engine refuses it where the text differs (an interpolated value).
 */
function serviceFix(ref: Reference, service: string, targetPort: number | undefined): FixProposal | undefined {
  if (ref.origin || ref.name.includes(':')) return undefined;
  const expect = targetPort === undefined || ref.port === undefined ? ref.name : `${ref.name}:${ref.port}`;
  const value = targetPort === undefined || ref.port === undefined ? service : `${service}:${targetPort}`;
  return { title: `connect to "${value}" instead of "${expect}"`, edits: [{ op: 'replace', at: ref.span, value, expect }] };
}

/** `service "db"`, `services "a" and "b"` */
function owners(targets: string[]): string {
  const q = targets.map((t) => `"${t}"`);
  return `${q.length > 1 ? 'services' : 'service'} ${q.length > 1 ? `${q.slice(0, -1).join(', ')} and ${q[q.length - 1]}` : q[0]}`;
}
