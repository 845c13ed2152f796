import { defineRule } from '../lib/engine/rule';

export default defineRule({
  id: 'require-overlay-encryption',
  category: 'security',
  severity: 'warning',
  description: 'Require encryption on the overlay networks a stack creates',
  securitySeverity: 5.9,
  modes: ['stack'],
  probe: { notProbed: 'encryption shows only on traffic between Swarm nodes; the twin runs on one' },
  // IPsec between nodes needs ESP (IP protocol 50) through their firewalls and lowers the usable MTU
  fix: 'changes-behaviour',
  messages: {
    clear:
      'overlay network "{{network}}"{{implicit}} does not set "driver_opts.encrypted"; traffic between its containers on different nodes ' +
      'crosses the wire as clear-text VXLAN that anyone on the path can read or tamper with. ' +
      'set "encrypted" under "driver_opts" (e.g. encrypted: "true"); Docker then protects the traffic between nodes with IPsec',
  },
  check(graph, context) {
    for (const network of graph.networks.values()) {
      if (!network.declared || !network.span || network.driver !== 'overlay') continue;
      if (network.external?.value || network.external?.unknown) continue;
      // `docker stack deploy` creates only the networks some service uses
      if (graph.attachmentsOn(network.name).length === 0) continue;
      // the overlay driver enables encryption when the option is present, whatever its value
      if (network.driverOpts.has('encrypted')) continue;
      context.report({
        messageId: 'clear',
        at: network.driverSpan ? { span: network.driverSpan } : { span: network.span },
        network: network.name,
        data: { network: network.name, implicit: network.driverSpan ? '' : ' (a stack network without a driver is an overlay)' },
        fix: { title: `encrypt overlay network "${network.name}"`, edits: [{ op: 'add', in: network.span, path: ['driver_opts', 'encrypted'], value: 'true' }] },
      });
    }
  },
});
