import { defineRule } from '../lib/engine/rule';
import type { NetworkMode } from '../lib/model/types';

export default defineRule({
  id: 'no-swarm-unsupported-options',
  category: 'portability',
  severity: 'warning',
  description: 'Disallow service options that docker stack deploy ignores',
  modes: ['stack'],
  probe: { notProbed: 'the stack twin leaves out what docker stack deploy ignores' },
  messages: {
    containerName:
      'service "{{service}}" sets container_name "{{name}}", which docker stack deploy ignores; Swarm names each task ' + '"<stack>_{{service}}.<slot>.<id>", so nothing can reach it as "{{name}}". remove it and use the service name "{{service}}"',
    links:
      'service "{{service}}" sets "links", which docker stack deploy ignores ("Ignoring unsupported options: links"), so {{effect}}. ' +
      'remove it: on a shared overlay network services reach each other by service name, and network "aliases" give extra names',
    networkMode:
      'service "{{service}}" sets network_mode "{{mode}}", which docker stack deploy ignores ("Ignoring unsupported options: network_mode"); ' +
      "the service is attached to the stack's networks instead. remove it and attach the service to the networks it needs",
    hostMode:
      'service "{{service}}" sets network_mode "host", which docker stack deploy ignores ("Ignoring unsupported options: network_mode"); ' +
      "the service runs on the stack's overlay network, not in the host's network stack. to use host networking in Swarm, " +
      'declare a network with "external: true" and "name: host" and list it under the service\'s "networks"',
    dependsOn: 'service "{{service}}" sets "depends_on", which docker stack deploy ignores; Swarm starts the services of a stack in any order ' + 'and restarts them independently. remove it and make "{{service}}" retry until {{targets}} {{answer}}',
    build:
      'service "{{service}}" sets "build", which docker stack deploy ignores ("Ignoring unsupported options: build"); ' +
      'every node pulls "{{image}}" from a registry instead. build and push that image before deploying, and keep "build" in a Compose-only file',
    buildNoImage:
      'service "{{service}}" sets "build" but no "image"; docker stack deploy ignores "build" ("Ignoring unsupported options: build"), ' + 'so the nodes have no image to run for it. build and push the image to a registry and name it in "image"',
  },
  check(graph, context) {
    for (const service of graph.services.values()) {
      const name = service.name;
      const key = (k: string) => {
        const found = graph.serviceKey(name, k);
        return found && !found.empty && !found.unknown ? found : undefined;
      };

      const containerName = key('container_name');
      if (containerName && service.containerName) {
        context.report({ messageId: 'containerName', at: containerName, service: name, data: { service: name, name: service.containerName.value } });
      }

      const links = key('links');
      if (links && service.links.length > 0) {
        const created = [...new Set(service.links.filter((l) => l.alias !== l.service).map((l) => l.alias))].sort();
        context.report({
          messageId: 'links',
          at: links,
          service: name,
          data: {
            service: name,
            effect: created.length ? `the link ${created.length === 1 ? 'alias' : 'aliases'} ${list(created)} never resolve${created.length === 1 ? 's' : ''}` : 'they do nothing',
          },
        });
      }

      const mode = service.networkMode;
      const modeKey = key('network_mode');
      if (mode && modeKey && !mode.unknown) {
        context.report({
          messageId: mode.value.kind === 'host' ? 'hostMode' : 'networkMode',
          at: modeKey,
          service: name,
          data: { service: name, mode: modeText(mode.value) },
        });
      }

      const dependsOn = key('depends_on');
      if (dependsOn && service.dependsOn.length > 0) {
        const targets = [...new Set(service.dependsOn.map((d) => d.value))].sort();
        context.report({ messageId: 'dependsOn', at: dependsOn, service: name, data: { service: name, targets: list(targets), answer: targets.length === 1 ? 'answers' : 'answer' } });
      }

      const build = key('build');
      if (build) {
        // an image from an unset variable is still an image: name it as written
        const text = service.image?.value;
        if (text !== undefined) context.report({ messageId: 'build', at: build, service: name, data: { service: name, image: text } });
        else context.report({ messageId: 'buildNoImage', at: build, service: name, data: { service: name } });
      }
    }
  },
});

function list(names: readonly string[]): string {
  return names.map((n) => `"${n}"`).join(', ');
}

function modeText(mode: NetworkMode): string {
  return mode.kind === 'service' || mode.kind === 'container' ? `${mode.kind}:${mode.target}` : mode.kind === 'network' ? mode.target! : mode.kind;
}
