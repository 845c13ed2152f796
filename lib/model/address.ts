import * as ipaddr from 'ipaddr.js';
import type { Address, Cidr } from './types';

/**
 * Parses an IPv4 or IPv6 address as Docker accepts it (IPv6 may be in brackets); invalid text keeps no `ip`.
 * Equal texts share one ipaddr.js object (see PARSED).
 */
export function parseAddress(text: string): Address {
  let parsed = PARSED.get(text);
  if (parsed === undefined) {
    parsed = parseIp(text);
    if (PARSED.size >= PARSED_MAX) PARSED.clear();
    PARSED.set(text, parsed);
  }
  return parsed ? { text, ip: parsed.ip, family: parsed.family } : { text };
}

/**
 * The parsed address of each text seen, null for one that is no address: a project writes a few addresses many times
 * (`127.0.0.1:` on every `ports` entry), and each parse allocates, and each ipaddr.js object keeps an array of its own.
 * Sharing is safe: no ipaddr.js method changes its object, and the graph freezes them. At most PARSED_MAX texts.
 */
const PARSED = new Map<string, { ip: ipaddr.IPv4 | ipaddr.IPv6; family: 'ipv4' | 'ipv6' } | null>();
const PARSED_MAX = 4096;

function parseIp(text: string): { ip: ipaddr.IPv4 | ipaddr.IPv6; family: 'ipv4' | 'ipv6' } | null {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (ipaddr.IPv4.isValidFourPartDecimal(bare)) return { ip: ipaddr.IPv4.parse(bare), family: 'ipv4' };
  if (ipaddr.IPv6.isValid(bare) && bare.includes(':')) return { ip: ipaddr.IPv6.parse(bare), family: 'ipv6' };
  return null;
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

/** The address as an unsigned integer (32 bits for IPv4, 128 for IPv6), for ordering and range arithmetic. */
export function addressValue(ip: ipaddr.IPv4 | ipaddr.IPv6): bigint {
  let value = 0n;
  for (const byte of ip.toByteArray()) value = (value << 8n) | BigInt(byte);
  return value;
}

/** The first and last address of a CIDR as integers (host bits ignored), or undefined when the text is not a CIDR. */
export function cidrBounds(cidr: Cidr): { first: bigint; last: bigint } | undefined {
  if (!cidr.range) return undefined;
  const [ip, bits] = cidr.range;
  const width = BigInt(ip.kind() === 'ipv4' ? 32 : 128);
  const hostBits = width - BigInt(bits);
  const first = (addressValue(ip) >> hostBits) << hostBits;
  return { first, last: first + (1n << hostBits) - 1n };
}

/** The CIDR with its host bits cleared, as text (`10.0.0.1/24` gives `10.0.0.0/24`); undefined when not a CIDR. */
export function maskedCidr(cidr: Cidr): string | undefined {
  const network = networkAddress(cidr);
  return network === undefined ? undefined : `${network}/${cidr.range![1]}`;
}

/** Whether a CIDR has host bits set (`10.0.0.1/24`), which Docker refuses as a subnet or ip_range. */
export function hasHostBits(cidr: Cidr): boolean {
  if (!cidr.range) return false;
  return addressValue(cidr.range[0]) !== cidrBounds(cidr)!.first;
}

/** Whether `inner` lies entirely inside `outer` (same family). */
export function containsCidr(outer: Cidr, inner: Cidr): boolean {
  const a = cidrBounds(outer);
  const b = cidrBounds(inner);
  return !!a && !!b && outer.family === inner.family && a.first <= b.first && b.last <= a.last;
}

/** The address `offset` places after the first address of a CIDR, as text (compact form); undefined past its end. */
export function addressInCidr(cidr: Cidr, offset: bigint): string | undefined {
  const bounds = cidrBounds(cidr);
  if (!bounds || bounds.first + offset > bounds.last) return undefined;
  let value = bounds.first + offset;
  const length = cidr.family === 'ipv4' ? 4 : 16;
  const bytes: number[] = new Array<number>(length);
  for (let i = length - 1; i >= 0; i--) {
    bytes[i] = Number(value & 0xffn);
    value >>= 8n;
  }
  return ipaddr.fromByteArray(bytes).toString();
}

/** Whether an address is the unspecified address (`0.0.0.0` or `::`), which Docker refuses where it needs a real one. */
export function isUnspecified(address: Address): boolean {
  return !!address.ip && addressValue(address.ip) === 0n;
}
