import { lineOf } from '../lib/engine/messages';
import { defineRule } from '../lib/engine/rule';
import { canonical } from '../lib/model/address';
import type { Address, Located } from '../lib/model/types';

/** One claim on an address of a network: a service's static address or an `aux_addresses` entry. */
interface Claim {
  at: Located<Address>;
  network: string;
  /** the service, for a static address */
  service?: string;
  /** the entry name, for an aux address */
  aux?: string;
}

export default defineRule({
  id: 'no-duplicate-static-ip',
  category: 'correctness',
  severity: 'error',
  description: 'Disallow one static address on one network for two containers, or for a container and an auxiliary address',
  modes: ['compose'],
  probe: { claim: 'engine-refuses', cells: [], events: ['create-failed', 'start-failed'], message: /address|in use/i },
  messages: {
    duplicate: 'static address "{{address}}" on network "{{network}}" is given to both "{{other}}" ({{where}}) and "{{service}}"; the second container fails to start ' + '("Address already in use"). give each service its own address',
    aux:
      'static address "{{address}}" of service "{{service}}" on network "{{network}}" is reserved by aux_addresses entry "{{aux}}" ({{where}}); the container fails to start ' +
      '("Address already in use"). choose an address the IPAM config does not reserve',
    replicas:
      'static address "{{address}}" of service "{{service}}" on network "{{network}}" would go to each of its {{count}} replicas ({{where}}); every replica after the first fails to start ' +
      '("Address already in use"). remove the address or run one replica',
  },
  check(graph, context) {
    // indexed by network (its Docker name, so two keys naming one network meet) and canonical address
    const claims = new Map<string, Claim[]>();
    const claim = (key: string, c: Claim): void => {
      const list = claims.get(key);
      if (list) list.push(c);
      else claims.set(key, [c]);
    };
    const keyOf = (network: string, address: Address): string => `${graph.networks.get(network)?.dockerName ?? network}\u0000${canonical(address)}`;

    for (const network of graph.networks.values()) {
      if (!network.declared || network.external?.value === true) continue;
      for (const config of network.ipam) {
        for (const aux of config.auxAddresses) {
          if (!aux.address.unknown && aux.address.value.ip) claim(keyOf(network.name, aux.address.value), { at: aux.address, network: network.name, aux: aux.name });
        }
      }
    }
    for (const service of graph.services.values()) {
      // a static address under network_mode never applies (no-invalid-static-ip says so)
      if (service.networkMode) continue;
      for (const spec of service.networks) {
        for (const at of [spec.ipv4Address, spec.ipv6Address]) {
          if (!at || at.unknown || !at.value.ip) continue;
          claim(keyOf(spec.name, at.value), { at, network: spec.name, service: service.name });
          const count = service.replicas.count;
          if (count !== undefined && count > 1 && service.replicas.span) {
            const span = service.replicas.span;
            context.report({
              messageId: 'replicas',
              at,
              service: service.name,
              network: spec.name,
              data: { address: at.value.text, service: service.name, network: spec.name, count, where: lineOf(span, at.span) },
              related: [{ message: `${count} replicas set here`, at: { span } }],
            });
          }
        }
      }
    }

    for (const list of claims.values()) {
      if (list.length < 2) continue;
      const aux = list.find((c) => c.aux !== undefined);
      const services = list.filter((c) => c.service !== undefined).sort((a, b) => graph.compareSpans(a.at.span, b.at.span));
      if (aux) {
        // every container claiming an address the network reserves fails
        for (const c of services) {
          const auxAt = { span: aux.at.origin ?? aux.at.span };
          context.report({
            messageId: 'aux',
            at: c.at,
            service: c.service,
            network: c.network,
            data: { address: c.at.value.text, service: c.service!, network: c.network, aux: aux.aux!, where: lineOf(auxAt.span, c.at.span) },
            related: [{ message: `aux_addresses entry "${aux.aux}" here`, at: auxAt }],
          });
        }
        continue;
      }
      // the first claim in source order keeps the address; each later one is blamed
      const [first, ...later] = services;
      for (const c of later) {
        if (c.service === first.service) continue;
        context.report({
          messageId: 'duplicate',
          at: c.at,
          service: c.service,
          network: c.network,
          data: { address: c.at.value.text, network: c.network, other: first.service!, service: c.service!, where: lineOf(first.at.span, c.at.span) },
          related: [{ message: `"${first.service}" has it here`, at: first.at }],
        });
      }
    }
  },
});
