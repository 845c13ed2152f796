import { canonical } from './address';
import type { Address, Family, PortBinding } from './types';

/** One host address a published binding claims: its family, and the canonical address, or undefined for that family's wildcard. */
export interface HostClaim {
  family: Family;
  address: string | undefined;
}

/**
 * The host addresses a published binding claims, as Docker 20.10 binds them (libnetwork
 * drivers/bridge/port_mapping.go, allocatePortsInternal and validatePortBinding{IPv4,IPv6}): no host
 * IP claims the IPv4 wildcard 0.0.0.0 and the IPv6 wildcard :: (the latter where the host can listen
 * on IPv6); an explicit address claims its own family only, 0.0.0.0 and :: being that family's
 * wildcard. On one port and protocol a wildcard collides with every address of its family (the
 * kernel refuses the second bind), and two different specific addresses do not. Returns undefined
 * when the host IP is not an address (the engine refuses the entry).
 */
export function hostClaims(binding: PortBinding): HostClaim[] | undefined {
  return hostIpClaims(binding.hostIp?.value);
}

/** The claims of a host IP (undefined: none given), as `hostClaims` reads a binding's; undefined when it is not an address. */
export function hostIpClaims(ip: Address | undefined): HostClaim[] | undefined {
  if (ip === undefined)
    return [
      { family: 'ipv4', address: undefined },
      { family: 'ipv6', address: undefined },
    ];
  if (!ip.ip || !ip.family) return undefined;
  const wildcard = ip.ip.toByteArray().every((byte) => byte === 0);
  return [{ family: ip.family, address: wildcard ? undefined : canonical(ip) }];
}

/** Whether two claims on one port and protocol collide, as `hostClaims` says: one family, and a wildcard or the same address. */
export function hostClaimsCollide(a: HostClaim, b: HostClaim): boolean {
  return a.family === b.family && (a.address === undefined || b.address === undefined || a.address === b.address);
}
