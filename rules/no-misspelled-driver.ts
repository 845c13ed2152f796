import { defineRule } from '../lib/engine/rule';
import { BUILTIN_NETWORK_DRIVERS, driverTypo } from '../lib/model/drivers';

export default defineRule({
  id: 'no-misspelled-driver',
  category: 'correctness',
  severity: 'error',
  description: 'Disallow network driver names one typo away from a driver built into the engine',
  probe: { notProbed: 'the twin passes the engine only its built-in network drivers' },
  messages: {
    near:
      'network "{{network}}" names driver "{{driver}}", which is no driver built into the engine ({{builtin}}) and no plugin reference ("vendor/name"); ' +
      'the engine looks it up as a plugin and refuses to create the network ("plugin "{{driver}}" not found"). did you mean "{{suggestion}}"?',
  },
  check(graph, context) {
    const builtin = BUILTIN_NETWORK_DRIVERS.map((d) => `"${d}"`).join(', ');
    for (const network of graph.networks.values()) {
      // Compose never creates an external network, so its driver never reaches the engine
      if (!network.declared || network.external?.value || network.external?.unknown) continue;
      if (!network.driverSpan || network.driverUnknown) continue;
      const suggestion = driverTypo(network.driver);
      if (suggestion === undefined) continue;
      context.report({ messageId: 'near', at: { span: network.driverSpan, ...(network.driverOrigin ? { origin: network.driverOrigin } : {}) }, network: network.name, data: { network: network.name, driver: network.driver, builtin, suggestion } });
    }
  },
});
