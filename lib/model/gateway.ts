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
  const usable = candidates.filter((c) => c.network.internal?.value !== true);
  const priority = (c: GatewayCandidate): number => (gwPriority ? (c.spec.gwPriority?.value ?? 0) : 0);
  const dual = (c: GatewayCandidate): number => (c.ipv6 === true ? 1 : 0);
  const sorted = [...usable].sort((a, b) => priority(b) - priority(a) || dual(b) - dual(a) || compareBytes(a.network.dockerName, b.network.dockerName));
  return sorted[0];
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

function compareBytes(a: string, b: string): number {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return Buffer.compare(x, y);
}
