import { defineRule } from '../lib/engine/rule';
import { closest } from '../lib/util/suggest';

export default defineRule({
  id: 'no-misspelled-host',
  category: 'correctness',
  severity: 'error',
  description: 'Disallow host names one typo away from a service, container_name or alias of the project',
  probe: { notProbed: 'a name outside the project would go to the host’s resolvers, which the twin never asks' },
  messages: {
    near:
      'service "{{source}}" references "{{name}}" ({{via}}), which is no service, container_name or alias of the project; Docker\'s DNS does not know it and, ' +
      'having no domain, it is unlikely to be an outside host, so the name will not resolve. did you mean "{{suggestion}}"?',
    v1ContainerName:
      'service "{{source}}" references "{{name}}" ({{via}}), the container name Compose v1 gave service "{{suggestion}}" ("<project>_<service>_<n>"); Compose v2 names it "{{v2}}", ' +
      'so "{{name}}" will not resolve. use the service name "{{suggestion}}"',
  },

  check(graph, context) {
    // every name a service can be found by, once each: services, container names, aliases, link aliases
    const seen = new Set<string>();
    const names: string[] = [];
    const add = (name: string): void => {
      if (seen.has(name.toLowerCase())) return;
      seen.add(name.toLowerCase());
      names.push(name);
    };
    for (const s of graph.services.values()) add(s.name);
    for (const network of [...graph.networks.keys(), 'bridge']) for (const entries of graph.namesOn(network).values()) for (const e of entries) if (e.kind !== 'tasks') add(e.name);
    names.sort();
    for (const source of graph.services.keys()) {
      graph.referencesFrom(source).forEach((ref, index) => {
        // depends_on and links to a missing service are refused by Compose itself; external_links name outside containers
        if (ref.kind === 'depends_on' || ref.kind === 'links' || ref.kind === 'external_links') return;
        const name = ref.name;
        // a dotted name is an outside host (smtp.example.com); short words are too close to everything
        if (name.length < 4 || name.includes('.') || name.includes(':') || name.toLowerCase() === 'localhost' || graph.isProjectName(name) || graph.extraHost(source, name)) return;
        // Compose v1 named containers <project>_<service>_<n>; v2 names them <project>-<service>-<n> (docker/compose
        // pkg/compose/convergence.go getDefaultContainerName, joined with api.Separator "-"), so the v1 name resolves nowhere
        const v1 = v1Service(graph.model.name, name);
        if (v1 !== undefined && graph.services.has(v1.service)) {
          const data = { source, name, via: ref.variable ?? ref.kind, suggestion: v1.service, v2: `${graph.model.name}-${v1.service}-${v1.index}`, replacement: v1.service };
          context.report({ messageId: 'v1ContainerName', at: ref, service: source, subject: { kind: 'reference', service: source, index }, data });
          return;
        }
        const suggestion = closest(name, names);
        if (!suggestion) return;
        context.report({ messageId: 'near', at: ref, service: source, subject: { kind: 'reference', service: source, index }, data: { source, name, via: ref.variable ?? ref.kind, suggestion, replacement: suggestion } });
      });
    }
  },
});

/** The service and replica number of a Compose v1 container name of this project, `<project>_<service>_<n>`; undefined for any other name. */
function v1Service(project: string, name: string): { service: string; index: string } | undefined {
  if (!name.startsWith(`${project}_`)) return undefined;
  const match = /^(.+)_(\d+)$/.exec(name.slice(project.length + 1));
  return match ? { service: match[1], index: match[2] } : undefined;
}
