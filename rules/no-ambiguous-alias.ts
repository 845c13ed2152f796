import { defineRule } from '../lib/engine/rule';
import type { NameEntry, NetworkGraph } from '../lib/model/graph';
import { quotedList } from '../lib/util/suggest';

export default defineRule({
  id: 'no-ambiguous-alias',
  category: 'correctness',
  severity: 'warning',
  description: 'Disallow a name that resolves to more than one service on the same network',
  probe: { claim: 'name-ambiguous', cells: ['dns'] },
  messages: {
    ambiguous: 'name "{{name}}" resolves to {{services}} on {{networks}}: {{what}} repeats {{other}} (line {{line}}), so DNS round-robins between unrelated services. {{fix}}',
  },
  check(graph, context) {
    // one finding per colliding declaration: the same two declarations colliding on several networks are one root cause
    // `groups`: the services that share the name on each of those networks (shared sets, not copies: a name that
    // n services share makes n - 1 findings, and copying would make that quadratic)
    const found = new Map<string, { blamed: NameEntry; kept: NameEntry; networks: Set<string>; groups: Set<string>[] }>();
    for (const network of [...graph.networks.keys()].sort()) {
      for (const entries of graph.namesOn(network).values()) {
        // link aliases are seen only by the linking service, which asked for exactly that target
        const names = entries.filter((e) => e.onlyFor === undefined && e.kind !== 'link');
        const services = new Set(names.map((e) => e.service));
        if (services.size < 2) continue;
        const sorted = [...names].sort((a, b) => compareEntries(graph, a, b));
        // a service's own name is its identity: the alias or container_name that repeats it is the offending one
        const kept = sorted.find((e) => e.kind === 'service') ?? sorted[0];
        for (const blamed of sorted) {
          if (blamed.service === kept.service) continue;
          // one container_name used twice is a compose-load error (Compose refuses the project): one finding per root cause
          if (blamed.kind === 'container_name' && kept.kind === 'container_name' && kept.name === blamed.name) continue;
          const key = `${spanKey(blamed)}|${spanKey(kept)}`;
          if (!found.has(key)) found.set(key, { blamed, kept, networks: new Set(), groups: [] });
          const f = found.get(key)!;
          f.networks.add(network);
          f.groups.push(services);
        }
      }
    }
    // findings on the same networks list the same services: each list is built once
    const lists = new Map<string, string>();
    const servicesText = (networks: Set<string>, groups: Set<string>[]): string => {
      const key = [...networks].join('\0');
      if (!lists.has(key)) lists.set(key, listOf([...new Set(groups.flatMap((g) => [...g]))]));
      return lists.get(key)!;
    };
    for (const { blamed, kept, networks, groups } of found.values()) {
      context.report({
        messageId: 'ambiguous',
        at: blamed,
        service: blamed.service,
        ...(networks.size === 1 ? { network: [...networks][0] } : {}),
        data: {
          name: blamed.name,
          services: servicesText(networks, groups),
          networks: `${networks.size > 1 ? 'networks' : 'network'} ${listOf([...networks])}`,
          what: `${KIND[blamed.kind]} of "${blamed.service}"`,
          other: `${OTHER[kept.kind]} of "${kept.service}"`,
          line: kept.span.line,
          fix: blamed.kind === 'alias' || blamed.kind === 'container_name' || blamed.kind === 'hostname' ? `give "${blamed.service}" a distinct ${blamed.kind}` : 'rename one of them',
        },
        related: [{ message: `${OTHER[kept.kind]} of "${kept.service}"`, at: kept }],
      });
    }
  },
});

const KIND: Record<NameEntry['kind'], string> = {
  service: 'the service name',
  container_name: 'the container_name',
  alias: 'the alias',
  tasks: 'the task name',
  link: 'the link alias',
  container: 'the container name',
  hostname: 'the hostname',
};

const OTHER: Record<NameEntry['kind'], string> = {
  service: 'the service name',
  container_name: 'the container_name',
  alias: 'an alias',
  tasks: 'the task name',
  link: 'a link alias',
  container: 'the container name',
  hostname: 'the hostname',
};

function spanKey(e: NameEntry): string {
  return `${e.span.file}:${e.span.line}:${e.span.column}`;
}

/** `"a"`, `"a" and "b"`, `"a", "b" and "c"`: sorted; past ten names, the first ten and how many more */
function listOf(names: string[]): string {
  const sorted = [...names].sort();
  if (sorted.length > 10) return quotedList(sorted, 10);
  const q = sorted.map((n) => `"${n}"`);
  return q.length > 1 ? `${q.slice(0, -1).join(', ')} and ${q[q.length - 1]}` : q.join('');
}

/** Declaration order: files in the order Compose merges them, then position. */
function compareEntries(graph: NetworkGraph, a: NameEntry, b: NameEntry): number {
  const index = (file: string): number => {
    const i = graph.model.files.indexOf(file);
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  return index(a.span.file) - index(b.span.file) || (a.span.file < b.span.file ? -1 : a.span.file > b.span.file ? 1 : 0) || a.span.line - b.span.line || a.span.column - b.span.column;
}
