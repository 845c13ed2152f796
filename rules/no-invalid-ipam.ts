import { lineOf } from '../lib/engine/messages';
import { defineRule, type RuleContext } from '../lib/engine/rule';
import { contains, containsCidr, hasHostBits, maskedCidr } from '../lib/model/address';
import type { Address, Cidr, IpamConfig, Located, Network } from '../lib/model/types';
import type { Span } from '../lib/source/span';

export default defineRule({
  id: 'no-invalid-ipam',
  category: 'correctness',
  severity: 'error',
  description: 'Disallow invalid IPAM subnets, and gateways, IP ranges or auxiliary addresses outside their subnet',
  probe: { notProbed: 'the twin passes only valid IPAM entries to the engine' },
  messages: {
    notCidr: '{{what}} of network "{{network}}" is not a CIDR; the engine refuses to create the network ("invalid CIDR block notation"). ' + 'write an address and a prefix length, e.g. "172.28.0.0/16"',
    hostBits: '{{what}} of network "{{network}}" has host bits set; the engine refuses to create the network ("it should be {{masked}}"). write "{{masked}}"',
    hostBitsAccepted: '{{what}} of network "{{network}}" has host bits set; {{engine}} creates the network as written, but Docker 25.0 and later refuse it ("it should be {{masked}}"). ' + 'write "{{masked}}"',
    rangeIgnored:
      '{{what}} of network "{{network}}" is outside its subnet "{{subnet}}" ({{where}}); {{engine}} creates the network but does not honour the range: containers get addresses from the whole subnet, ' +
      'and Docker 25.0 and later refuse the network ("invalid ip-range"). choose a range inside "{{subnet}}"',
    notAddress: '{{what}} of network "{{network}}" is not an IP address; the engine refuses to create the network. write an address inside subnet "{{subnet}}"',
    outside: '{{what}} of network "{{network}}" is outside its subnet "{{subnet}}" ({{where}}); the engine refuses to create the network. {{fix}} inside "{{subnet}}"',
    noSubnet: '{{what}} of network "{{network}}" has no "subnet" in its IPAM config entry; the engine refuses to create the network, since it must lie inside that subnet. ' + 'add the "subnet" it belongs to',
    noIpv6Pool:
      'network "{{network}}" enables IPv6 but writes no IPv6 subnet; {{engine}} has no default IPv6 pool, so it refuses to create the network ' +
      '("could not find an available, non-overlapping IPv6 address pool among the defaults to assign to the network"; Docker 27.0 and later allocate one). ' +
      'add an IPv6 subnet under "ipam.config", e.g. "fd00:0:0:1::/64"',
    ipv6Disabled: 'subnet "{{subnet}}" of network "{{network}}" is IPv6, but the network does not enable IPv6, so the engine ignores it; its containers get no IPv6 address. ' + 'set "enable_ipv6: true" on network "{{network}}"',
  },
  check(graph, context) {
    for (const network of graph.networks.values()) {
      if (!network.declared || network.external?.value === true) continue;
      const validated = graph.engineHas('ipam-validated');
      for (const config of network.ipam) checkConfig(network, graph.ipv6Enabled(network.name) === false, validated ? undefined : graph.engine.name, config, context);
      // before Docker 27.0 there is no default IPv6 pool (fact ipv6-default-ula-pool; the refusal checked on 20.10)
      const flag = network.enableIpv6;
      const ipamDefault = !network.ipamDriver || network.ipamDriver.value === 'default';
      if (flag && ipamDefault && graph.engine.family === 'docker' && !graph.engineHas('ipv6-default-ula-pool') && graph.ipv6Enabled(network.name) === true && !graph.hasIpv6Subnet(network.name)) {
        // a subnet that is unknown (an unset variable) may be IPv6: decide nothing
        if (!network.ipam.some((c) => c.subnet?.unknown)) context.report({ messageId: 'noIpv6Pool', at: flag, network: network.name, data: { network: network.name, engine: graph.engine.name } });
      }
    }
  },
});

type Context = RuleContext<Record<string, never>>;

/**
 * Checks one IPAM config entry. `lenient` names the target engine when it predates IPAM validation (fact
 * `ipam-validated`, Docker 25.0): such an engine accepts host bits and an ip_range outside its subnet (checked on
 * 20.10), so those are warnings there.
 */
function checkConfig(network: Network, ipv6Off: boolean, lenient: string | undefined, config: IpamConfig, context: Context): void {
  // where the target accepts it (lenient), a finding is a warning naming the engine
  const report = (messageId: string, at: Located<unknown>, data: Record<string, string>, related?: { message: string; at: { span: Span } }, accepted = false): void =>
    context.report({
      messageId,
      at,
      network: network.name,
      data: { network: network.name, ...data, ...(accepted && lenient ? { engine: lenient } : {}) },
      ...(related ? { related: [related] } : {}),
      ...(accepted ? { severity: 'warning' as const } : {}),
    });
  const hostBits = (at: Located<Cidr>, what: string): void => report(lenient ? 'hostBitsAccepted' : 'hostBits', at, { what, masked: maskedCidr(at.value)! }, undefined, !!lenient);
  const members = [
    ...(config.ipRange ? [{ kind: 'ip_range' as const, at: config.ipRange, what: `ip_range "${config.ipRange.value.text}"` }] : []),
    ...(config.gateway ? [{ kind: 'address' as const, at: config.gateway, what: `gateway "${config.gateway.value.text}"` }] : []),
    ...config.auxAddresses.map((a) => ({ kind: 'address' as const, at: a.address, what: `aux_addresses entry "${a.name}" ("${a.address.value.text}")` })),
  ].filter((m) => !m.at.unknown);

  const subnet = config.subnet;
  if (!subnet) {
    for (const m of members) report('noSubnet', m.at, { what: m.what });
    return;
  }
  if (subnet.unknown) return;
  const cidr = subnet.value;
  if (!cidr.range) {
    report('notCidr', subnet, { what: `subnet "${cidr.text}"` });
    return;
  }
  if (cidr.family === 'ipv6' && ipv6Off) report('ipv6Disabled', subnet, { subnet: cidr.text });
  if (hasHostBits(cidr)) hostBits(subnet, `subnet "${cidr.text}"`);
  // an aliased subnet is blamed at its use site; name the place its text is
  const subnetAt = { span: subnet.origin ?? subnet.span };
  const subnetPlace = { message: `subnet "${cidr.text}" declared here`, at: subnetAt };

  for (const m of members) {
    if (m.kind === 'ip_range') {
      const range = m.at.value as Cidr;
      if (!range.range) report('notCidr', m.at, { what: m.what });
      else if (!containsCidr(cidr, range)) {
        const where = lineOf(subnetAt.span, m.at.span);
        if (lenient) report('rangeIgnored', m.at, { what: m.what, subnet: cidr.text, where }, subnetPlace, true);
        else report('outside', m.at, { what: m.what, subnet: cidr.text, where, fix: 'choose a range' }, subnetPlace);
      } else if (hasHostBits(range)) hostBits(m.at as Located<Cidr>, m.what);
      continue;
    }
    const address = m.at.value as Address;
    if (!address.ip) report('notAddress', m.at, { what: m.what, subnet: cidr.text });
    else if (!contains(cidr, address)) report('outside', m.at, { what: m.what, subnet: cidr.text, where: lineOf(subnetAt.span, m.at.span), fix: 'choose an address' }, subnetPlace);
  }
}
