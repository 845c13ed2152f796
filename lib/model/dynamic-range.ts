import { contains } from './address';
import type { Address, Cidr, IpamConfig, Located, Network } from './types';

/**
 * Where Docker takes the addresses of containers that ask for none.
 *
 * libnetwork's default IPAM allocates a container without a static address from the pool's
 * `ip_range` when one is set, else from the whole subnet (ipams/builtin, RequestPool with a
 * sub-pool; RequestAddress with no preferred address). A static address (`ipv4_address`,
 * `ipv6_address`) is only reserved when its container is created, so while it lies in that range
 * a container that starts earlier may be given it, and the static one then fails with "Address
 * already in use". Checked on Docker 20.10: on 10.231.2.0/24 a container started without `--ip`
 * got 10.231.2.2 and a later `--ip 10.231.2.2` failed with "Address already in use"; on
 * 10.231.3.0/24 with ip_range 10.231.3.128/25 the container without `--ip` got 10.231.3.129 and
 * `--ip 10.231.3.2`, outside the range but inside the subnet, started. Reported in
 * docker/compose#11899 and moby/moby#49781.
 */
export function dynamicRange(config: IpamConfig): Located<Cidr> | undefined {
  return config.ipRange ?? config.subnet;
}

/**
 * The IPAM config of `network` whose dynamic range (see dynamicRange) holds `address`, or undefined
 * when the address lies outside every one (or a range is not a valid CIDR, or comes from an unset variable).
 */
export function dynamicConfigHolding(network: Network, address: Address): IpamConfig | undefined {
  return network.ipam.find((config) => {
    const range = dynamicRange(config);
    return range !== undefined && !range.unknown && contains(range.value, address);
  });
}
