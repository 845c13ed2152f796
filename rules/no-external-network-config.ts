import { lineOf } from '../lib/engine/messages';
import { defineRule } from '../lib/engine/rule';
import { externalNeverFound } from '../lib/model/external-network';
import type { Span } from '../lib/source/span';

/** The keys an external network may carry besides configuration: its name and the flag itself (and `x-` extensions). */
const ALLOWED = new Set(['name', 'external']);

export default defineRule({
  id: 'no-external-network-config',
  category: 'correctness',
  severity: 'error',
  description: 'Disallow configuring a network that is declared external, or naming it "default"',
  probe: { notProbed: 'the twin creates external networks as plain stand-ins' },
  messages: {
    configured:
      'network "{{network}}" is external ({{where}}) but also sets "{{key}}"; Compose and docker stack deploy never create an external network, ' +
      'so "{{key}}" is never applied, and the Compose Specification rejects the file. remove "{{key}}" and configure the network where it is created, ' +
      'or remove "external" to let the project create it',
    neverFound:
      'network "{{network}}" is external with the Docker name "default"{{how}}, which no engine has: Docker refuses to create a network of that name, ' +
      'so Compose stops ("network default declared as external, but could not be found") and so does docker stack deploy ("network default not found"). ' +
      'set "name" to the existing network\'s name (another project\'s default network is "<project>_default"), or remove "external" to let the project create it',
  },
  check(graph, context) {
    for (const network of graph.networks.values()) {
      const external = network.external;
      if (!network.declared || !external || external.unknown || !external.value) continue;
      const flag = network.keys.get('external') ?? external.span;
      if (externalNeverFound(network.dockerName)) {
        const name = network.keys.get('name');
        context.report({
          messageId: 'neverFound',
          at: { span: name ?? flag },
          network: network.name,
          data: { network: network.name, how: name ? '' : ' (its key: without "name", an external network is looked up by its key)' },
        });
      }
      for (const [key, span] of network.keys) {
        if (ALLOWED.has(key) || key.startsWith('x-')) continue;
        context.report({
          messageId: 'configured',
          at: { span },
          network: network.name,
          data: { network: network.name, key, where: lineOf(flag, span) },
          // both keys may come from one alias: then there is no second place to show
          related: same(flag, span) ? [] : [{ message: 'declared external here', at: { span: flag } }],
        });
      }
    }
  },
});

function same(a: Span, b: Span): boolean {
  return a.file === b.file && a.line === b.line && a.column === b.column;
}
