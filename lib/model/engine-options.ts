import type { Span } from '../source/span';
import { engineFact, engineHas, type EngineFactId, type EngineTarget } from './engine-target';
import type { Located, Model, Network } from './types';

/** The bridge driver options that choose a network's gateway mode, per address family (moby/moby#47871). */
export const GATEWAY_MODE_OPTIONS = ['com.docker.network.bridge.gateway_mode_ipv4', 'com.docker.network.bridge.gateway_mode_ipv6'] as const;

/** The gateway modes and the fact that says from which version the bridge driver knows each (`nat` always). */
const GATEWAY_MODE_FACTS: Record<string, EngineFactId | undefined> = { nat: undefined, routed: 'gateway-mode-routed', 'nat-unprotected': 'gateway-mode-nat-unprotected', isolated: 'gateway-mode-isolated' };

/** `network_mode` values only Podman knows (podman-run(1) --network); Docker takes them as network names. */
export function isPodmanNetworkMode(mode: string): boolean {
  return mode === 'pasta' || mode === 'slirp4netns' || mode === 'private' || mode.startsWith('pasta:') || mode.startsWith('slirp4netns:') || mode.startsWith('ns:');
}

/** One option written in the project that the target engine does not know: it ignores or refuses it. */
export interface UnsupportedOption {
  /** the fact whose range the target lies outside */
  fact: EngineFactId;
  /** the key as written (`gw_priority`, `com.docker.network.bridge.gateway_mode_ipv4: routed`) */
  key: string;
  at: { span: Span; origin?: Span };
  service?: string;
  network: string;
  /** what the target does with it: Compose refuses `interface_name` below API 1.49; the others are ignored */
  effect: 'refused' | 'ignored';
}

/** The per-network options of a service that newer engines added: the key, its fact, the field that holds it, and what an older engine does. */
const ENDPOINT_OPTIONS: readonly (readonly [string, EngineFactId, 'macAddress' | 'gwPriority' | 'interfaceName', UnsupportedOption['effect']])[] = [
  ['mac_address', 'endpoint-mac-address', 'macAddress', 'ignored'],
  ['gw_priority', 'gw-priority', 'gwPriority', 'ignored'],
  ['interface_name', 'interface-name', 'interfaceName', 'refused'],
];

/**
 * The options of a project that need a newer Docker than the target (facts `endpoint-mac-address`, `gw-priority`,
 * `enable-ipv4`, `interface-name`, `gateway-mode-*`), in file order of services then networks. Compose refuses
 * `interface_name` when the engine's API is older than 1.49 (docker/compose pkg/compose/api_versions.go); the engine
 * ignores fields and driver options it does not know (a routed gateway mode on 20.10: NAT and port publishing as
 * usual, checked). Podman targets are left out: these are Docker's version boundaries.
 */
export function unsupportedOptions(model: Model, target: EngineTarget): UnsupportedOption[] {
  if (target.family !== 'docker') return [];
  const out: UnsupportedOption[] = [];
  const lacks = (fact: EngineFactId) => !engineHas(target, fact);
  for (const service of model.services.values()) {
    for (const spec of service.networks) {
      for (const [key, fact, field, effect] of ENDPOINT_OPTIONS) {
        const at = spec[field];
        if (at && lacks(fact)) out.push({ fact, key, at, service: service.name, network: spec.name, effect });
      }
    }
  }
  for (const network of model.networks.values()) {
    if (!network.declared || network.external?.value === true) continue;
    if (network.enableIpv4 && network.enableIpv4.value === false && lacks('enable-ipv4')) out.push({ fact: 'enable-ipv4', key: 'enable_ipv4', at: network.enableIpv4, network: network.name, effect: 'ignored' });
    for (const mode of gatewayModes(network)) {
      if (mode.fact && lacks(mode.fact)) out.push({ fact: mode.fact, key: `${mode.option}: ${mode.value}`, at: mode.at, network: network.name, effect: 'ignored' });
    }
  }
  return out;
}

/** Each gateway mode written on a bridge network, with the fact that dates it (undefined for `nat` and unknown modes). */
export function gatewayModes(network: Network): { option: string; value: string; at: Located<string>; fact?: EngineFactId }[] {
  if (network.driver !== 'bridge') return [];
  return GATEWAY_MODE_OPTIONS.flatMap((option) => {
    const at = network.driverOpts.get(option);
    return at && !at.unknown ? [{ option, value: at.value, at, fact: GATEWAY_MODE_FACTS[at.value] }] : [];
  });
}

/**
 * Whether a network routes IPv4 without NAT on the target: a bridge with `gateway_mode_ipv4: routed` where the
 * engine knows that mode (fact `gateway-mode-routed`, Docker 27.0). There no host port is mapped: the container's
 * ports are opened on its own address (moby/moby#47871); Docker 27 refuses a mapping that names a host port, 28.0
 * only logs that it is unused (moby/moby#48575).
 */
export function routesIpv4(network: Network, target: EngineTarget): boolean {
  return engineHas(target, 'gateway-mode-routed') && gatewayModes(network).some((m) => m.option.endsWith('ipv4') && m.value === 'routed');
}

/** "Docker 28.0": the first Docker version where a fact holds, for messages. */
export function dockerSince(fact: EngineFactId): string {
  const since = engineFact(fact).docker?.since;
  return since ? `Docker ${since}` : 'no Docker version';
}
