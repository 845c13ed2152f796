import { addressValue, broadcastAddress, canonical, cidrBounds, contains } from './address';
import type { Address, IpamConfig, Network } from './types';
import type { Span } from '../source/span';

/** An address Docker's IPAM takes before any container can: what it is, and where the user wrote what decides it. */
export interface ReservedAddress {
  /** e.g. `gateway "10.0.0.254"`, `network address of subnet "10.0.0.0/24"` */
  role: string;
  /** the related note, e.g. `subnet "10.0.0.0/24" declared here` */
  note: string;
  /** the gateway, ip_range or subnet value that decides it */
  at: { span: Span };
}

/**
 * Whether `address` (inside `config`'s subnet) is one Docker's default IPAM takes before any container can, so a
 * container asking for it fails to start ("Address already in use"). `implicitL2Gateway` is whether the target
 * engine picks a gateway for macvlan networks that write none (engine fact `macvlan-default-gateway`,
 * before Docker 29.0, moby/moby#50929). Returns undefined for a free address. Reserved are:
 * - the network address (IPv4 except /31 and /32) and, for IPv6, the subnet-router anycast address (the first);
 * - the IPv4 broadcast address (not on /31, /32);
 * - the written `gateway`;
 * - with no `gateway` written, the address the engine picks as gateway: the first address of the `ip_range`, or of
 *   the subnet when there is none, that is not the subnet's first (libnetwork requests the gateway from the
 *   sub-pool like any address). On a bridge network always, `internal: true` included; on macvlan when
 *   `implicitL2Gateway`. Not decided (undefined) for other drivers (ipvlan: recent engines skip its gateway,
 *   `GetSkipGwAlloc`), or when driver_opts name a gateway or inhibit_ipv4, which the model does not follow.
 * Seen on Docker 20.10: `--internal --subnet 10.246.178.0/24` with `--ip 10.246.178.1` fails with "Address already
 * in use" and a container without `--ip` gets .2; `--subnet 10.246.179.0/24 --ip-range 10.246.179.128/25` routes
 * through .128 as gateway, refuses `--ip 10.246.179.128` and accepts `--ip 10.246.179.1`; with `--ip-range
 * 10.246.177.0/25` the gateway is .1; an internal `--ipv6` network refuses its `::1`. macvlan could not be created
 * on the engine here; its side follows moby/moby#50929 ("an address is allocated from IPAM", "the first host
 * address in the Docker network's ip-range").
 */
export function reservedAddress(network: Network, config: IpamConfig, address: Address, implicitL2Gateway: boolean): ReservedAddress | undefined {
  const subnet = config.subnet;
  if (!subnet || subnet.unknown || !subnet.value.range || !address.ip || !contains(subnet.value, address)) return undefined;
  const cidr = subnet.value;
  const value = addressValue(address.ip);
  const bounds = cidrBounds(cidr)!;
  const subnetAt = { span: subnet.origin ?? subnet.span };
  const note = `subnet "${cidr.text}" declared here`;
  const hostBits = (cidr.family === 'ipv4' ? 32 : 128) - cidr.range![1];
  const hasReservedEnds = cidr.family === 'ipv6' || hostBits > 1;
  if (value === bounds.first && hasReservedEnds) {
    return { role: cidr.family === 'ipv4' ? `network address of subnet "${cidr.text}"` : `subnet-router anycast address of subnet "${cidr.text}"`, note, at: subnetAt };
  }
  if (cidr.family === 'ipv4' && hostBits > 1 && canonical(address) === broadcastAddress(cidr)) return { role: `broadcast address of subnet "${cidr.text}"`, note, at: subnetAt };
  const gateway = config.gateway;
  if (gateway) {
    if (!gateway.unknown && gateway.value.ip && canonical(gateway.value) === canonical(address)) return { role: `gateway "${gateway.value.text}"`, note: 'gateway set here', at: { span: gateway.origin ?? gateway.span } };
    return undefined;
  }
  if (!picksGateway(network, implicitL2Gateway) || !hasReservedEnds) return undefined;
  const range = config.ipRange;
  if (range && (range.unknown || !range.value.range || range.value.family !== cidr.family)) return undefined;
  const rangeBounds = range ? cidrBounds(range.value) : bounds;
  if (!rangeBounds) return undefined;
  const picked = rangeBounds.first === bounds.first ? rangeBounds.first + 1n : rangeBounds.first;
  if (picked > rangeBounds.last || value !== picked) return undefined;
  const where = network.internal?.value === true ? ', also on an internal network' : '';
  if (range) return { role: `default gateway, the first address of ip_range "${range.value.text}", which Docker takes when no "gateway" is set${where}`, note: `ip_range "${range.value.text}" set here`, at: { span: range.origin ?? range.span } };
  return { role: `default gateway, the first host address of subnet "${cidr.text}", which Docker takes when no "gateway" is set${where}`, note, at: subnetAt };
}

/** Whether the engine picks a gateway address from IPAM for a network of this driver that writes none (see reservedAddress). */
function picksGateway(network: Network, implicitL2Gateway: boolean): boolean {
  if ([...network.driverOpts.keys()].some((k) => /gateway|inhibit_ipv4/.test(k))) return false;
  if (network.driver === 'bridge') return true;
  // ipvlan: recent engines skip its gateway (GetSkipGwAlloc), and which releases did before is not pinned down
  return implicitL2Gateway && network.driver === 'macvlan';
}
