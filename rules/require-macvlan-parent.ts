import { defineRule } from '../lib/engine/rule';
import { routedByL3 } from '../lib/model/drivers';

const HOST_NOTE: Record<string, string> = {
  macvlan: 'even with a parent, the host itself cannot reach its own macvlan containers through that interface',
  ipvlan: 'even with a parent, the host itself cannot reach its own ipvlan containers through that interface',
};

export default defineRule({
  id: 'require-macvlan-parent',
  category: 'correctness',
  severity: 'error',
  description: 'Require driver_opts.parent on macvlan and ipvlan networks',
  probe: { notProbed: 'the twin gives every macvlan/ipvlan network a veth parent of its own' },
  messages: {
    missing:
      '{{driver}} network "{{network}}" has no "driver_opts.parent"; Docker then hangs it off a dummy interface and makes it internal, ' +
      'so its containers can reach nothing outside the network and nothing outside can reach them. ' +
      'set "parent" under "driver_opts" to the host interface to bridge onto (e.g. "eth0", or "eth0.10" for a VLAN); note: {{hostNote}}',
    empty:
      '{{driver}} network "{{network}}" sets "driver_opts.parent" to an empty value; Docker treats it as unset, hangs the network off a dummy interface ' +
      'and makes it internal, so its containers reach nothing outside it. name the host interface to bridge onto (e.g. "eth0"); note: {{hostNote}}',
    noGateway:
      '{{driver}} network "{{network}}" writes no "gateway" in its IPAM config; {{engine}} gives its containers no default route (Docker 29.0, moby/moby#50929), ' +
      'so they reach their own subnet and nothing beyond it. add the LAN router\'s address as "gateway" under "ipam.config"',
  },
  check(graph, context) {
    for (const network of graph.networks.values()) {
      const driver = network.driver;
      if (!network.declared || !network.driverSpan || !(driver in HOST_NOTE)) continue;
      if (network.external?.value || network.external?.unknown) continue;
      // an internal network without a parent is what Docker builds on purpose: isolated, on a dummy link
      if (network.internal?.value || network.internal?.unknown) continue;
      // Compose and `docker stack deploy` create only the networks some service uses
      if (graph.attachmentsOn(network.name).length === 0) continue;
      const parent = network.driverOpts.get('parent');
      if (parent && (parent.unknown || parent.value !== '')) {
        if (!graph.engineHas('macvlan-default-gateway') && !routedByL3(network) && !network.ipam.some((c) => c.gateway)) {
          context.report({ messageId: 'noGateway', at: { span: network.driverSpan }, network: network.name, data: { driver, network: network.name, engine: graph.engine.name }, severity: 'warning' });
        }
        continue;
      }
      context.report({
        messageId: parent ? 'empty' : 'missing',
        at: parent ?? { span: network.driverSpan },
        network: network.name,
        data: { driver, network: network.name, hostNote: HOST_NOTE[driver] },
      });
    }
  },
});
