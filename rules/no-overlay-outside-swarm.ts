import { defineRule } from '../lib/engine/rule';

export default defineRule({
  id: 'no-overlay-outside-swarm',
  category: 'correctness',
  severity: 'error',
  description: 'Disallow overlay networks that a plain Compose project creates',
  modes: ['compose'],
  probe: { claim: 'network-refused', cells: [], events: ['network-failed'], when: 'not-swarm', otherwise: 'the engine is a Swarm manager, so the overlay works here as it would not under plain Compose' },
  messages: {
    notAttachable:
      'network "{{network}}" uses the "overlay" driver, which Docker creates only on a Swarm manager ("This node is not a swarm manager"), ' +
      'and without "attachable: true" Compose\'s standalone containers cannot join it even there ("not manually attachable"). ' +
      'use the "bridge" driver for a single host, or create the overlay with "docker network create -d overlay --attachable {{network}}" and declare it "external: true"',
    needsSwarm:
      'network "{{network}}" uses the "overlay" driver, which Docker creates only on a Swarm manager ("This node is not a swarm manager"); ' +
      'on any other host "docker compose up" fails before a container starts. use the "bridge" driver for a single host, ' +
      'or create the overlay on the Swarm with "docker network create -d overlay --attachable" and declare it "external: true"',
  },
  check(graph, context) {
    for (const network of graph.networks.values()) {
      if (!network.declared || !network.driverSpan || network.driver !== 'overlay') continue;
      if (network.external?.value || network.external?.unknown) continue;
      // Compose creates only the networks some service uses
      if (graph.attachmentsOn(network.name).length === 0) continue;
      const attachable = network.attachable;
      context.report({
        messageId: attachable?.value || attachable?.unknown ? 'needsSwarm' : 'notAttachable',
        at: { span: network.driverSpan },
        network: network.name,
        data: { network: network.name },
      });
    }
  },
});
