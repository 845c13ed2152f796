import { defineRule } from '../lib/engine/rule';
import { linkVariableUses } from '../lib/model/link-env';

export default defineRule({
  id: 'no-legacy-links',
  category: 'style',
  severity: 'warning',
  description: 'Disallow legacy links between services',
  // `docker stack deploy` ignores `links` altogether (no-swarm-unsupported-options reports it there)
  modes: ['compose'],
  probe: { notProbed: 'links work on one engine; the rule is about what replaces them, not about reachability' },
  messages: {
    variableNeverSet:
      'service "{{service}}" reads "{{variable}}", a variable of the legacy link to "{{target}}"; links set such variables only between containers on the default bridge, ' +
      'and "{{service}}" is on a user-defined network, so it is empty on every engine. use the name "{{target}}" and the port directly',
    variableGone:
      'service "{{service}}" reads "{{variable}}", a variable the link to "{{target}}" set on the default bridge; {{engine}} no longer sets it (removed in Docker 29.0, moby/moby#50719), ' +
      'so it is empty. use the name "{{target}}" and the port directly',
    variableDeprecated:
      'service "{{service}}" reads "{{variable}}", a variable the link to "{{target}}" sets on the default bridge; deprecated in Docker 28.4 and no longer set from 29.0 ' +
      '(moby/moby#50719), so the service breaks on a newer engine. use the name "{{target}}" and the port directly',
    link:
      'service "{{service}}" links to "{{target}}"{{alias}}; links are a legacy Docker feature that may eventually be removed. on a user-defined network (such as the default ' +
      'one Compose creates) "{{target}}" already resolves by its service name{{aliasFix}}. remove the link',
    bridge:
      'service "{{service}}" links to "{{target}}"{{alias}} on the default bridge (network_mode "bridge"), where links are the only way to resolve ' +
      'a name; links are a legacy Docker feature that may eventually be removed. remove network_mode "bridge" from "{{service}}" and "{{target}}" so they share a user-defined network, ' +
      'where "{{target}}" resolves by its service name{{aliasFix}}, then remove the link',
  },
  check(graph, context) {
    for (const service of graph.services.values()) {
      const ns = graph.namespace(service.name);
      for (const use of linkVariableUses(service)) {
        if (!graph.services.has(use.link.service)) continue;
        // links set the variables only when both containers are on the default bridge (moby daemon/container_operations_unix.go)
        const bridge = ns.kind === 'bridge' && graph.namespace(use.link.service).kind === 'bridge';
        const messageId = !bridge ? 'variableNeverSet' : graph.engineHas('legacy-link-env') ? 'variableDeprecated' : 'variableGone';
        const data = { service: service.name, variable: use.variable, target: use.link.service, ...(messageId === 'variableGone' ? { engine: graph.engine.name } : {}) };
        context.report({ messageId, at: use.at, service: service.name, data, related: [{ message: `link to "${use.link.service}"`, at: use.link }], ...(messageId === 'variableDeprecated' ? {} : { severity: 'error' as const }) });
      }
      // joiners may not carry links at all: no-network-mode-conflict reports them,
      const kind = service.networkMode?.value.kind;
      // so may host-network services: the engine refuses them ("host type networking can't be used with links")
      if (kind === 'service' || kind === 'container' || kind === 'host') continue;
      for (const link of service.links) {
        // a link to a service that is not defined (or not active) is a compose-load error: Compose refuses the project
        if (!graph.services.has(link.service)) continue;
        const aliased = link.alias !== link.service;
        context.report({
          messageId: ns.kind === 'bridge' ? 'bridge' : 'link',
          at: link,
          service: service.name,
          data: {
            service: service.name,
            target: link.service,
            alias: aliased ? ` as "${link.alias}"` : '',
            aliasFix: aliased ? ` (give it "aliases: [${link.alias}]" on that network to keep the name "${link.alias}")` : '',
          },
        });
      }
    }
  },
});
