import { defineRule } from '../lib/engine/rule';
import { driverPathProblem } from '../lib/model/drivers';

export default defineRule({
  id: 'no-driver-path',
  category: 'security',
  severity: 'error',
  description: 'Disallow network and IPAM driver names that are file paths',
  securitySeverity: 7.8,
  probe: { notProbed: 'the twin passes the engine only its built-in network and IPAM drivers' },
  messages: {
    ipam:
      'network "{{network}}" names IPAM driver "{{driver}}", a file path, not a plugin name: {{why}}; the engine looks a driver it does not have up ' +
      'as a plugin file under /run/docker/plugins, /etc/docker/plugins and /usr/lib/docker/plugins, so a path lets a file outside them choose ' +
      'what the root daemon connects to. use "default" or a plugin name such as "vendor/driver"',
    network:
      'network "{{network}}" names driver "{{driver}}", a file path, not a plugin name: {{why}}; the engine looks a driver it does not have up ' +
      'as a plugin file under /run/docker/plugins, /etc/docker/plugins and /usr/lib/docker/plugins, so a path lets a file outside them choose ' +
      'what the root daemon connects to. use a built-in driver ("bridge", "ipvlan", "macvlan", "overlay") or a plugin name such as "vendor/driver"',
  },
  check(graph, context) {
    for (const network of graph.networks.values()) {
      // Compose never creates an external network, so its driver never reaches the engine
      if (!network.declared || network.external?.value || network.external?.unknown) continue;
      const driverWhy = network.driverSpan && !network.driverUnknown ? driverPathProblem(network.driver) : undefined;
      if (driverWhy) {
        context.report({ messageId: 'network', at: { span: network.driverSpan! }, network: network.name, data: { network: network.name, driver: network.driver, why: driverWhy } });
      }
      const ipam = network.ipamDriver;
      const ipamWhy = ipam && !ipam.unknown ? driverPathProblem(ipam.value) : undefined;
      if (ipamWhy) context.report({ messageId: 'ipam', at: ipam!, network: network.name, data: { network: network.name, driver: ipam!.value, why: ipamWhy } });
    }
  },
});
