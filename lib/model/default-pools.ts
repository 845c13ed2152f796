import { cidrBounds, parseCidr } from './address';
import type { Cidr } from './types';

/** One of the engine's default address pools: a base range, split into networks of `size` bits. */
export interface DefaultPool {
  base: string;
  size: number;
}

/**
 * The address pools the engine allocates local-scope networks (bridge, macvlan, ipvlan) from when a network gives
 * no subnet, in the order it tries them (moby libnetwork ipamutils `localScopeDefaultNetworks`, the same from
 * Docker 20.10 to 29; a daemon's `default-address-pools` replaces them). 172.17.0.0/16 is docker0's. Checked on
 * Docker 20.10: an automatic network got 192.168.32.0/20, and a network asking for that subnet was then refused
 * ("Pool overlaps with other one on this address space").
 */
export const LOCAL_DEFAULT_POOLS: readonly DefaultPool[] = [
  { base: '172.17.0.0/16', size: 16 },
  { base: '172.18.0.0/16', size: 16 },
  { base: '172.19.0.0/16', size: 16 },
  { base: '172.20.0.0/14', size: 16 },
  { base: '172.24.0.0/14', size: 16 },
  { base: '172.28.0.0/14', size: 16 },
  { base: '192.168.0.0/16', size: 20 },
];

/** Network drivers whose networks are local scope and draw on LOCAL_DEFAULT_POOLS (overlay draws on Swarm's global pool). */
export const LOCAL_SCOPE_DRIVERS: readonly string[] = ['bridge', 'macvlan', 'ipvlan'];

/** The default pool a subnet overlaps, if any (undefined for an invalid CIDR or an IPv6 one). */
export function defaultPoolOverlapping(subnet: Cidr): DefaultPool | undefined {
  const range = cidrBounds(subnet);
  if (!range || subnet.family !== 'ipv4') return undefined;
  return LOCAL_DEFAULT_POOLS.find((pool) => {
    const bounds = cidrBounds(parseCidr(pool.base))!;
    return bounds.first <= range.last && range.first <= bounds.last;
  });
}
