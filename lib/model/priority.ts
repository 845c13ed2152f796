import type { ServiceNetwork } from './types';

/**
 * A service's networks in Compose's order (compose-go `ServiceConfig.NetworksByPriority`): highest `priority`
 * first (unset is 0), ties by network key in byte order. The first is the service's main network: Compose
 * creates the container on it (docker/compose pkg/compose/create.go `defaultNetworkSettings`) and gives its
 * endpoint the service-level `mac_address` (`prepareContainerMACAddress`). An unset variable's priority counts as 0.
 */
export function networksByPriority(networks: readonly ServiceNetwork[]): ServiceNetwork[] {
  const priority = (n: ServiceNetwork) => (n.priority && !n.priority.unknown ? n.priority.value : 0);
  return [...networks].sort((a, b) => priority(b) - priority(a) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
