import { lineOf } from '../lib/engine/messages';
import { defineRule } from '../lib/engine/rule';
import { networksByPriority } from '../lib/model/priority';
import type { Located } from '../lib/model/types';

export default defineRule({
  id: 'no-conflicting-endpoint-options',
  category: 'correctness',
  severity: 'error',
  description: 'Disallow MAC addresses and interface names that clash between endpoints',
  // docker stack deploy does not pass mac_address or interface_name to Swarm
  modes: ['compose'],
  probe: { notProbed: 'the twin gives its containers no MAC address or interface name of their own' },
  messages: {
    serviceMac:
      'service "{{service}}" sets mac_address "{{mac}}", but network "{{network}}", whose endpoint Compose gives that address ({{why}}), sets mac_address "{{other}}" ({{where}}); ' +
      'Compose refuses to create the container ("the service-level mac_address should have the same value as network {{network}}"). keep one of them',
    replicas:
      'service "{{service}}" sets mac_address "{{mac}}" but runs {{count}} replicas ({{where}}); every replica gets the same MAC address on network "{{network}}", ' +
      "where they take each other's traffic (the engine starts them all). remove mac_address, or run one replica",
    duplicateMac:
      'mac_address "{{mac}}" of service "{{service}}" on network "{{network}}" is also the MAC address of "{{other}}" there ({{where}}); the engine starts both, ' +
      "but two interfaces with one MAC address on one network take each other's traffic. give each its own address, or remove mac_address and let the engine derive one",
    interfaceName:
      'service "{{service}}" names its interface "{{name}}" on network "{{network}}" and on network "{{other}}" ({{where}}); one container cannot have two interfaces ' +
      'with one name, so {{engine}}, which honours interface_name, cannot connect the second network. give each network its own interface_name',
  },
  check(graph, context) {
    /** network -> lower-cased MAC -> the first endpoint that has it */
    const macs = new Map<string, Map<string, { service: string; at: Located<string> }>>();
    for (const service of graph.services.values()) {
      if (service.networkMode) continue;
      const ordered = networksByPriority(service.networks);
      const main = ordered[0];
      const own = service.macAddress && !service.macAddress.unknown && service.macAddress.value !== '' ? service.macAddress : undefined;
      if (own && main?.macAddress && !main.macAddress.unknown && main.macAddress.value !== own.value) {
        const ties = ordered.filter((n) => (n.priority?.value ?? 0) === (main.priority?.value ?? 0)).length > 1;
        const why = ordered.length === 1 ? 'its only network' : ties ? 'first by name among the networks of the highest priority' : `the highest priority, ${main.priority!.value}`;
        context.report({
          messageId: 'serviceMac',
          at: own,
          service: service.name,
          network: main.name,
          data: {
            service: service.name,
            mac: own.value,
            network: main.name,
            other: main.macAddress.value,
            why,
            where: lineOf(main.macAddress.span, own.span),
          },
          related: [{ message: `mac_address of network "${main.name}"`, at: main.macAddress }],
        });
        continue;
      }
      // the MAC each endpoint gets: its own, or the service-level one on the main network
      const endpoints = ordered.flatMap((n) => {
        const mac = n.macAddress && !n.macAddress.unknown && n.macAddress.value !== '' ? n.macAddress : n === main ? own : undefined;
        return mac ? [{ network: n.name, mac }] : [];
      });
      const count = service.replicas.count;
      if (endpoints.length > 0 && count !== undefined && count > 1 && service.replicas.span) {
        const first = endpoints[0];
        context.report({
          messageId: 'replicas',
          at: first.mac,
          service: service.name,
          network: first.network,
          data: { service: service.name, mac: first.mac.value, count: String(count), network: first.network, where: lineOf(service.replicas.span, first.mac.span) },
          related: [{ message: `${count} replicas`, at: { span: service.replicas.span } }],
        });
      }
      for (const { network, mac } of endpoints) {
        if (!macs.has(network)) macs.set(network, new Map());
        const seen = macs.get(network)!;
        const key = mac.value.toLowerCase();
        const earlier = seen.get(key);
        if (!earlier) {
          seen.set(key, { service: service.name, at: mac });
          continue;
        }
        context.report({
          messageId: 'duplicateMac',
          at: mac,
          service: service.name,
          network,
          data: { service: service.name, mac: mac.value, network, other: earlier.service, where: lineOf(earlier.at.span, mac.span) },
          related: [{ message: `mac_address of "${earlier.service}"`, at: earlier.at }],
        });
      }
      // engines before interface_name (engine fact `interface-name`) ignore it
      if (!graph.engineHas('interface-name')) continue;
      const names = new Map<string, { network: string; at: Located<string> }>();
      for (const n of service.networks) {
        const name = n.interfaceName;
        if (!name || name.unknown || name.value === '') continue;
        const earlier = names.get(name.value);
        if (!earlier) {
          names.set(name.value, { network: n.name, at: name });
          continue;
        }
        context.report({
          messageId: 'interfaceName',
          at: name,
          service: service.name,
          network: n.name,
          data: { service: service.name, name: name.value, network: n.name, other: earlier.network, where: lineOf(earlier.at.span, name.span), engine: graph.engine.name },
          related: [{ message: `interface_name on network "${earlier.network}"`, at: earlier.at }],
        });
      }
    }
  },
});
