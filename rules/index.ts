import type { Rule } from '../lib/engine/rule';
import noAmbiguousAlias from './no-ambiguous-alias';
import noConflictingEndpointOptions from './no-conflicting-endpoint-options';
import noContainerNameWithReplicas from './no-container-name-with-replicas';
import noDefaultBridgeDns from './no-default-bridge-dns';
import noDnsrrIngress from './no-dnsrr-ingress';
import noDockerSocketMount from './no-docker-socket-mount';
import noDriverPath from './no-driver-path';
import noDuplicatePublishedPorts from './no-duplicate-published-ports';
import noDuplicateStaticIp from './no-duplicate-static-ip';
import noExternalNetworkConfig from './no-external-network-config';
import noHostNetworkPorts from './no-host-network-ports';
import noHostPortBetweenServices from './no-host-port-between-services';
import noInvalidAddress from './no-invalid-address';
import noInvalidIpam from './no-invalid-ipam';
import noInvalidPort from './no-invalid-port';
import noInvalidStaticIp from './no-invalid-static-ip';
import noLegacyLinks from './no-legacy-links';
import noLoopbackReference from './no-loopback-reference';
import noMisspelledDriver from './no-misspelled-driver';
import noMisspelledHost from './no-misspelled-host';
import noNetworkModeConflict from './no-network-mode-conflict';
import noOutsideHostOnInternalNetwork from './no-outside-host-on-internal-network';
import noOverlappingSubnets from './no-overlapping-subnets';
import noOverlayOutsideSwarm from './no-overlay-outside-swarm';
import noPortsOnInternalNetwork from './no-ports-on-internal-network';
import noPortsOnNoneNetwork from './no-ports-on-none-network';
import noPublicDatastorePorts from './no-public-datastore-ports';
import noScaledFixedHostPort from './no-scaled-fixed-host-port';
import noStaticIpInDynamicRange from './no-static-ip-in-dynamic-range';
import noSubnetInDefaultPool from './no-subnet-in-default-pool';
import noSwarmUnsupportedOptions from './no-swarm-unsupported-options';
import noUndefinedNetwork from './no-undefined-network';
import noUnreachableReference from './no-unreachable-reference';
import noUnsupportedEngineOption from './no-unsupported-engine-option';
import noUnusedNetwork from './no-unused-network';
import requireHostGateway from './require-host-gateway';
import requireMacvlanParent from './require-macvlan-parent';
import requireOverlayEncryption from './require-overlay-encryption';

/** Every rule, sorted by id. Adding a rule: its module here, its doc beside it, its fixtures in test/rules/<id>/. */
export const rules: readonly Rule[] = [
  noAmbiguousAlias,
  noConflictingEndpointOptions,
  noContainerNameWithReplicas,
  noDefaultBridgeDns,
  noDnsrrIngress,
  noDockerSocketMount,
  noDriverPath,
  noDuplicatePublishedPorts,
  noDuplicateStaticIp,
  noExternalNetworkConfig,
  noHostNetworkPorts,
  noHostPortBetweenServices,
  noInvalidAddress,
  noInvalidIpam,
  noInvalidPort,
  noInvalidStaticIp,
  noLegacyLinks,
  noLoopbackReference,
  noMisspelledDriver,
  noMisspelledHost,
  noNetworkModeConflict,
  noOutsideHostOnInternalNetwork,
  noOverlappingSubnets,
  noOverlayOutsideSwarm,
  noPortsOnInternalNetwork,
  noPortsOnNoneNetwork,
  noPublicDatastorePorts,
  noScaledFixedHostPort,
  noStaticIpInDynamicRange,
  noSubnetInDefaultPool,
  noSwarmUnsupportedOptions,
  noUndefinedNetwork,
  noUnreachableReference,
  noUnsupportedEngineOption,
  noUnusedNetwork,
  requireHostGateway,
  requireMacvlanParent,
  requireOverlayEncryption,
];
