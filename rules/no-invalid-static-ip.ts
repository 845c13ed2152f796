import { lineOf } from '../lib/engine/messages';
import { defineRule } from '../lib/engine/rule';
import { addressInCidr, addressValue, broadcastAddress, canonical, cidrBounds, contains, isUnspecified, parseAddress } from '../lib/model/address';
import type { Address, Cidr, Family, IpamConfig, Located, Network } from '../lib/model/types';
import type { NetworkGraph } from '../lib/model/graph';
import type { Severity } from '../lib/source/diagnostic';
import type { Span } from '../lib/source/span';

export default defineRule({
  id: 'no-invalid-static-ip',
  category: 'correctness',
  severity: 'error',
  description: 'Disallow static container addresses the engine refuses: outside the subnet, reserved, or on a network without a configured subnet',
  modes: ['compose'],
  probe: { claim: 'engine-refuses', cells: [], events: ['create-failed', 'start-failed'], message: /address|subnet|\bIP\b/i },
  messages: {
    networkMode: '{{field}} "{{address}}" of service "{{service}}" on network "{{network}}" cannot apply: the service sets "network_mode: {{mode}}" ({{where}}), ' + 'so it has no endpoint of its own there. remove the address or the "network_mode"',
    ipv6Disabled:
      'ipv6_address "{{address}}" of service "{{service}}" is on network "{{network}}", which does not enable IPv6; {{engine}} refuses the container ' + '("{{refusal}}"). set "enable_ipv6: true" and an IPv6 subnet on network "{{network}}"',
    ipv6Ignored:
      'ipv6_address "{{address}}" of service "{{service}}" is on network "{{network}}", which has an IPv6 subnet but does not enable IPv6; {{engine}} ignores the subnet and the address, ' +
      'so the container starts without IPv6 (Docker 25.0 and later refuse the container). set "enable_ipv6: true" on network "{{network}}"',
    noSubnet:
      '{{field}} "{{address}}" of service "{{service}}" is on network "{{network}}", which has no user-configured {{family}} subnet; {{engine}} refuses the container ' +
      '("user specified IP address is supported only when connecting to networks with user configured subnets"). add an "ipam.config" subnet to network "{{network}}" that contains it',
    noSubnetAllocated:
      '{{field}} "{{address}}" of service "{{service}}" is on network "{{network}}", which has no user-configured {{family}} subnet; {{engine}} accepts it only inside the subnet ' +
      'it picks from its address pools, which depends on what else the engine holds (Docker before 29.0.4 always refuses it). add an "ipam.config" subnet to network "{{network}}" that contains it',
    outside:
      '{{field}} "{{address}}" of service "{{service}}" is outside every {{family}} subnet of network "{{network}}" ({{subnets}}); the engine refuses the container ' +
      '("no configured subnet or ip-range contain the IP address"). choose an address inside {{inside}}',
    reserved: '{{field}} "{{address}}" of service "{{service}}" on network "{{network}}" is the {{role}} ({{where}}); Docker reserves it, so the container fails to start ' + '("Address already in use"). choose another address inside "{{subnet}}"',
  },
  check(graph, context) {
    for (const service of graph.services.values()) {
      for (const spec of service.networks) {
        const fields: [string, Family, Located<Address> | undefined][] = [
          ['ipv4_address', 'ipv4', spec.ipv4Address],
          ['ipv6_address', 'ipv6', spec.ipv6Address],
        ];
        for (const [field, family, at] of fields) {
          // unset variables are not guessed at; malformed addresses are no-invalid-address's
          if (!at || at.unknown || !at.value.ip || at.value.family !== family || isUnspecified(at.value)) continue;
          const base = { field, address: at.value.text, service: service.name, network: spec.name };
          const report: Report = (messageId, data = {}, related, severity) =>
            context.report({ messageId, at, service: service.name, network: spec.name, data: { ...base, engine: graph.engine.name, ...data }, ...(related ? { related: [related] } : {}), ...(severity ? { severity } : {}) });

          const mode = service.networkMode;
          if (mode) {
            const text = mode.value.target === undefined ? mode.value.kind : mode.value.kind === 'network' ? mode.value.target : `${mode.value.kind}:${mode.value.target}`;
            report('networkMode', { mode: text, where: lineOf(mode.span, at.span) }, { message: '"network_mode" set here', at: mode });
            continue;
          }
          const network = graph.networks.get(spec.name);
          // an undefined network is no-undefined-network's; an external one's subnets are not known here
          if (!network || network.external?.value === true) continue;
          const ipv6 = graph.ipv6Enabled(network.name);
          if (family === 'ipv6' && ipv6 !== true) {
            if (ipv6 === false) reportIpv6Disabled(graph, network.name, report);
            continue;
          }
          const subnets = network.ipam.filter((c) => c.subnet !== undefined);
          // an unknown or malformed subnet decides nothing (no-invalid-ipam reports the latter)
          // nor does a size request (0.0.0.0/24 on Docker 29.0 and later): the engine picks the subnet
          if (subnets.some((c) => c.subnet!.unknown || !c.subnet!.value.range || graph.isSizeRequest(c.subnet!.value))) continue;
          const own = subnets.filter((c) => c.subnet!.value.family === family);
          const familyName = family === 'ipv4' ? 'IPv4' : 'IPv6';
          if (own.length === 0) {
            if (graph.engineHas('static-ip-needs-user-subnet')) report('noSubnet', { family: familyName });
            else report('noSubnetAllocated', { family: familyName }, undefined, 'warning');
            continue;
          }
          const home = own.find((c) => contains(c.subnet!.value, at.value));
          if (!home) {
            const list = [...new Set(own.map((c) => `"${c.subnet!.value.text}"`))].sort().join(', ');
            report('outside', { family: familyName, subnets: list, inside: own.length > 1 && list.includes(', ') ? `one of ${list}` : list });
            continue;
          }
          const taken = reservedRole(network, home, at.value);
          if (taken) report('reserved', { role: taken.role, subnet: home.subnet!.value.text, where: lineOf(taken.at.span, at.span) }, { message: taken.note, at: taken.at });
        }
      }
    }
  },
});

type Report = (messageId: 'networkMode' | 'ipv6Disabled' | 'ipv6Ignored' | 'noSubnet' | 'noSubnetAllocated' | 'outside' | 'reserved', data?: Record<string, string>, related?: { message: string; at: { span: Span } }, severity?: Severity) => void;

/**
 * An ipv6_address on a network without IPv6, as the target engine takes it (facts `static-ipv6-checked`,
 * `static-ip-needs-user-subnet`): Docker 25.0 and later refuse the container; before, an IPv6 subnet written on the
 * network lets the container start without IPv6 (checked on 20.10), and without one the engine refuses it too.
 */
function reportIpv6Disabled(graph: NetworkGraph, network: string, report: Report): void {
  const refusal = graph.engineHas('static-ip-needs-user-subnet') ? 'user specified IP address is supported only when connecting to networks with user configured subnets' : 'no configured subnet contains IP address';
  if (graph.engineHas('static-ipv6-checked') || !graph.hasIpv6Subnet(network)) report('ipv6Disabled', { refusal });
  else report('ipv6Ignored', {}, undefined, 'warning');
}

/**
 * Which address Docker's default IPAM takes before any container can, if `address` is one: the network address
 * (IPv4 except /31 and /32; IPv6 always, the subnet-router anycast address), the IPv4 broadcast address, the
 * configured gateway, or, on a plain bridge with neither `gateway` nor `ip_range`, the first host address it picks
 * as gateway.
 */
function reservedRole(network: Network, config: IpamConfig, address: Address): { role: string; note: string; at: { span: Span } } | undefined {
  const subnet = config.subnet!;
  const cidr: Cidr = subnet.value;
  const bits = cidr.range![1];
  const value = addressValue(address.ip!);
  const bounds = cidrBounds(cidr)!;
  const subnetAt = { span: subnet.origin ?? subnet.span };
  const note = `subnet "${cidr.text}" declared here`;
  const hostBits = (cidr.family === 'ipv4' ? 32 : 128) - bits;
  if (value === bounds.first && (cidr.family === 'ipv6' || hostBits > 1)) {
    return { role: cidr.family === 'ipv4' ? `network address of subnet "${cidr.text}"` : `subnet-router anycast address of subnet "${cidr.text}"`, note, at: subnetAt };
  }
  if (cidr.family === 'ipv4' && hostBits > 1 && canonical(address) === broadcastAddress(cidr)) return { role: `broadcast address of subnet "${cidr.text}"`, note, at: subnetAt };
  const gateway = config.gateway;
  if (gateway) {
    if (!gateway.unknown && gateway.value.ip && canonical(gateway.value) === canonical(address)) return { role: `gateway "${gateway.value.text}"`, note: 'gateway set here', at: { span: gateway.origin ?? gateway.span } };
    return undefined;
  }
  if (network.driver === 'bridge' && (cidr.family === 'ipv6' || hostBits > 1) && !config.ipRange && network.internal?.value !== true && ![...network.driverOpts.keys()].some((k) => /gateway|inhibit_ipv4/.test(k))) {
    const first = addressInCidr(cidr, 1n);
    if (first !== undefined && canonical(parseAddress(first)) === canonical(address)) {
      return { role: `default gateway, the first host address of subnet "${cidr.text}", which Docker takes when no "gateway" is set`, note, at: subnetAt };
    }
  }
  return undefined;
}
