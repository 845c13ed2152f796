import type { Network, ServiceNetwork } from './types';

/** One endpoint a container has, as the gateway choice reads it. */
export interface GatewayCandidate {
  spec: ServiceNetwork;
  network: Network;
  /** whether the network has IPv6 (graph.ipv6Enabled): undefined when the project cannot tell */
  ipv6: boolean | undefined;
}

/**
 * The endpoint Docker makes a container's gateway: the one its default route leaves through, and the only one
 * whose driver publishes the container's `ports` (libnetwork `sandbox.go`: `updateGateway` programs external
 * connectivity, port mappings included, on `getGatewayEndpoint()`, the first endpoint in `epHeap` order).
 * The order (libnetwork `sandbox.go` `epHeap.Less`), best first:
 * - a higher `gw_priority`, when `gwPriority` says the engine reads it (fact `gw-priority`: from 28.0, API 1.48;
 *   older engines ignore it);
 * - a network that is not `internal` (an internal network has no gateway at all);
 * - a network with both an IPv4 and an IPv6 gateway (`enable_ipv6`) before one with only IPv4;
 * - then by the network's Docker name, as Go compares strings (bytes).
 * Seen on Docker 20.10: a container on "x_aa" and "x_zz" leaves through "x_aa" whichever it was created on, and
 * with a macvlan network named before a bridge one, `docker port` lists nothing and the host port is refused; an
 * `--ipv6` network named after an IPv4-only one is the gateway (both the IPv4 and the IPv6 default route).
 * Returns undefined when every candidate is internal (or there is none): the container has no gateway.
 */
export function gatewayOf(candidates: readonly GatewayCandidate[], gwPriority: boolean): GatewayCandidate | undefined {
  const priority = (c: GatewayCandidate): number => (gwPriority ? (c.spec.gwPriority?.value ?? 0) : 0);
  const dual = (c: GatewayCandidate): number => (c.ipv6 === true ? 1 : 0);
  // the first best in the order above: one pass, no sorted copy (the graph asks once per service)
  let best: GatewayCandidate | undefined;
  for (const c of candidates) {
    if (c.network.internal?.value === true) continue;
    if (!best || (priority(c) - priority(best) || dual(c) - dual(best) || compareBytes(best.network.dockerName, c.network.dockerName)) > 0) best = c;
  }
  return best;
}

/**
 * Whether a gateway on a network of this driver publishes ports: bridge does (iptables DNAT and docker-proxy);
 * overlay does through docker_gwbridge; macvlan and ipvlan do not (their drivers program no external
 * connectivity: libnetwork `drivers/macvlan`, `drivers/ipvlan` `ProgramExternalConnectivity` returns nil). Seen
 * on Docker 20.10 for macvlan. Other drivers (plugins) are taken to publish, as the model cannot tell.
 */
export function driverPublishes(driver: string): boolean {
  return driver !== 'macvlan' && driver !== 'ipvlan';
}

/**
 * Compares two strings as Go does (byte by byte in UTF-8), which is code point order; JavaScript's `<` compares UTF-16
 * code units, which differs for characters above U+FFFF against U+E000 to U+FFFF. Negative when a comes first.
 */
function compareBytes(a: string, b: string): number {
  for (let i = 0; i < a.length && i < b.length; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}
