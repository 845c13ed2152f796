import { defineRule } from '../lib/engine/rule';
import { isUnspecified } from '../lib/model/address';
import { shortPortOf } from '../lib/model/ports';
import type { Address, Family, Located } from '../lib/model/types';
import { formatShortPort } from '../lib/syntax/compose';

export default defineRule({
  id: 'no-invalid-address',
  category: 'correctness',
  severity: 'error',
  description: 'Disallow values that are not IP addresses where Docker needs one: dns, extra_hosts, host_ip, static and link-local addresses',
  probe: { notProbed: 'the twin passes only valid addresses to the engine' },
  messages: {
    dns: 'dns server "{{value}}" of service "{{service}}" is not an IP address; the engine refuses to start the container ("bad nameserver address"), ' + "older engines write a resolv.conf nothing can use. write the server's IPv4 or IPv6 address",
    extraHost: 'extra_hosts entry "{{host}}" of service "{{service}}" maps to "{{value}}", which is not an IP address; the engine refuses the container ' + '("invalid IP address in add-host"). write an IP address, or "host-gateway" for the host',
    hostGateway:
      'extra_hosts entry "{{host}}" of service "{{service}}" maps to "host-gateway", which {{engine}} does not know (Docker 20.10 and Podman 4.7 added it); it refuses the container ' +
      '("invalid IP address in add-host"). write the address of the host on the network of "{{service}}", or upgrade the engine',
    hostIp:
      'host_ip "{{value}}" of port "{{port}}" of service "{{service}}" is not an IP address; Docker refuses to publish the port, so the container does not start. ' +
      'write an address of this host, e.g. "127.0.0.1", or leave it out to bind every interface',
    static: '{{field}} "{{value}}" of service "{{service}}" on network "{{network}}" is not {{expected}}{{hint}}; the engine refuses the container ("invalid {{family}} address"). ' + "write {{expected}} inside the network's subnet",
    linkLocal: 'link_local_ips entry "{{value}}" of service "{{service}}" on network "{{network}}" is not an IP address; the engine refuses the container ("invalid link-local IP address"). ' + 'write an IP address, e.g. "169.254.10.10"',
  },
  check(graph, context) {
    // `docker stack deploy` drops host_ip and per-network addresses, so only dns and extra_hosts reach Swarm
    const stack = graph.model.mode === 'stack';
    for (const service of graph.services.values()) {
      const s = service.name;
      for (const dns of service.dns) {
        if (!dns.unknown && !bare(dns.value)) context.report({ messageId: 'dns', at: dns, service: s, data: { value: dns.value.text, service: s } });
      }
      for (const entry of service.extraHosts) {
        const address = entry.address;
        if (address.value === 'host-gateway' && !graph.engineHas('host-gateway')) {
          context.report({ messageId: 'hostGateway', at: address, service: s, data: { host: entry.host, service: s, engine: graph.engine.name } });
          continue;
        }
        if (address.unknown || address.value === 'host-gateway' || address.value.ip) continue;
        context.report({ messageId: 'extraHost', at: address, service: s, data: { host: entry.host, value: address.value.text, service: s } });
      }
      if (stack) continue;
      for (const [index, port] of service.ports.entries()) {
        const hostIp = port.hostIp;
        if (port.unknown || !hostIp || hostIp.unknown || hostIp.value.ip) continue;
        const text = port.text ?? formatShortPort({ ...shortPortOf(port), hostIp: undefined }, { protocol: 'always' });
        context.report({ messageId: 'hostIp', at: hostIp, service: s, subject: { kind: 'binding', service: s, index }, data: { value: hostIp.value.text, port: text, service: s } });
      }
      for (const spec of service.networks) {
        const fields: [string, Family, Located<Address> | undefined][] = [
          ['ipv4_address', 'ipv4', spec.ipv4Address],
          ['ipv6_address', 'ipv6', spec.ipv6Address],
        ];
        for (const [field, family, at] of fields) {
          if (!at || at.unknown) continue;
          const ok = bare(at.value) && at.value.family === family && !isUnspecified(at.value);
          if (ok) continue;
          const other = bare(at.value) && at.value.family !== family ? `; it is an ${family === 'ipv4' ? 'IPv6' : 'IPv4'} address, which belongs under "${family === 'ipv4' ? 'ipv6_address' : 'ipv4_address'}"` : '';
          const unspecified = bare(at.value) && isUnspecified(at.value) ? ' (the unspecified address is not one a container can take)' : '';
          const familyName = family === 'ipv4' ? 'IPv4' : 'IPv6';
          context.report({
            messageId: 'static',
            at,
            service: s,
            network: spec.name,
            data: { field, value: at.value.text, service: s, network: spec.name, expected: `an ${familyName} address`, hint: other || unspecified, family: familyName },
          });
        }
        for (const at of spec.linkLocalIps) {
          if (at.unknown || (bare(at.value) && !isUnspecified(at.value))) continue;
          context.report({ messageId: 'linkLocal', at, service: s, network: spec.name, data: { value: at.value.text, service: s, network: spec.name } });
        }
      }
    }
  },
});

/** A valid address written without brackets (the brackets Docker accepts around IPv6 in ports are not accepted here). */
function bare(address: Address): boolean {
  return !!address.ip && !address.text.startsWith('[');
}
