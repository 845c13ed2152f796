import * as ipaddr from 'ipaddr.js';
import type { Address, Cidr } from './types';

/** Parses an IPv4 or IPv6 address as Docker accepts it (IPv6 may be in brackets); invalid text keeps no `ip`. */
export function parseAddress(text: string): Address {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (ipaddr.IPv4.isValidFourPartDecimal(bare)) {
    const ip = ipaddr.IPv4.parse(bare);
    return { text, ip, family: 'ipv4' };
  }
  if (ipaddr.IPv6.isValid(bare) && bare.includes(':')) {
    const ip = ipaddr.IPv6.parse(bare);
    return { text, ip, family: 'ipv6' };
  }
  return { text };
}

export function parseCidr(text: string): Cidr {
  const match = /^([^/]+)\/(\d{1,3})$/.exec(text.trim());
  if (!match) return { text };
  const address = parseAddress(match[1]);
  const bits = Number(match[2]);
  if (!address.ip || bits > (address.family === 'ipv4' ? 32 : 128)) return { text };
  return { text, range: [address.ip, bits], family: address.family };
}

/** Whether an address lies inside a CIDR of the same family. */
export function contains(cidr: Cidr, address: Address): boolean {
  if (!cidr.range || !address.ip || cidr.family !== address.family) return false;
  return address.ip.match(cidr.range as [ipaddr.IPv4, number]);
}

/** Whether two CIDRs of the same family overlap. */
export function overlaps(a: Cidr, b: Cidr): boolean {
  if (!a.range || !b.range || a.family !== b.family) return false;
  return a.range[0].match(b.range as [ipaddr.IPv4, number]) || b.range[0].match(a.range as [ipaddr.IPv4, number]);
}

/** The network (all host bits zero) address of a CIDR, as text. */
export function networkAddress(cidr: Cidr): string | undefined {
  if (!cidr.range) return undefined;
  const [ip, bits] = cidr.range;
  return ip.kind() === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(`${ip.toString()}/${bits}`).toString() : ipaddr.IPv6.networkAddressFromCIDR(`${ip.toString()}/${bits}`).toNormalizedString();
}

/** The broadcast address of an IPv4 CIDR, as text. */
export function broadcastAddress(cidr: Cidr): string | undefined {
  if (!cidr.range || cidr.family !== 'ipv4') return undefined;
  return ipaddr.IPv4.broadcastAddressFromCIDR(`${cidr.range[0].toString()}/${cidr.range[1]}`).toString();
}

/** A canonical text for comparing addresses (`::1` equals `0:0::1`). */
export function canonical(address: Address): string {
  if (!address.ip) return address.text;
  return address.ip.kind() === 'ipv6' ? (address.ip as ipaddr.IPv6).toNormalizedString() : address.ip.toString();
}
