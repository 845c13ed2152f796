import { parseAddress } from './address';
import type { Address, Located, Network } from './types';

/** The bridge driver option that moves where a published port without a host IP binds (moby libnetwork drivers/bridge, `DefaultBindingIP`). */
export const HOST_BINDING_IPV4 = 'com.docker.network.bridge.host_binding_ipv4';

/**
 * The host address a `ports` entry without a host IP binds on, for a container whose ports may be published
 * through any of `networks` (the non-internal networks it is attached to): the bridge driver's
 * `com.docker.network.bridge.host_binding_ipv4` when every one of them is a bridge network setting the same
 * IPv4 address, other than the wildcard 0.0.0.0; undefined otherwise (no option: the wildcards 0.0.0.0 and ::,
 * or networks that disagree, or an unset variable). Checked on Docker 20.10: on a network with the option
 * "127.0.0.1", `-p 18777:80` bound 127.0.0.1:18777 and nothing else (no IPv6 wildcard), while
 * `-p 0.0.0.0:18778:80` still bound every interface.
 */
export function unaddressedBindIp(networks: readonly Network[]): Located<Address> | undefined {
  let found: Located<Address> | undefined;
  for (const network of networks) {
    const option = network.driver === 'bridge' ? network.driverOpts.get(HOST_BINDING_IPV4) : undefined;
    if (!option || option.unknown) return undefined;
    const address = parseAddress(option.value);
    if (address.family !== 'ipv4' || address.ip!.toByteArray().every((byte) => byte === 0)) return undefined;
    if (found && address.ip!.toString() !== found.value.ip!.toString()) return undefined;
    found ??= { ...option, value: address };
  }
  return found;
}
