import { defineRule } from '../lib/engine/rule';
import { dockerSince, gatewayModes, isPodmanNetworkMode, routesIpv4, unsupportedOptions } from '../lib/model/engine-options';
import type { EngineFactId } from '../lib/model/engine-target';
import { formatNetworkMode } from '../lib/syntax/compose';

/** What an ignored option leaves the container or network with, after "ignores it". */
const CONSEQUENCE: Partial<Record<EngineFactId, string>> = {
  'endpoint-mac-address': ', so the endpoint does not get that MAC address',
  'gw-priority': ', so it does not choose the network of the default gateway',
  'enable-ipv4': ', so the network gets IPv4 addresses',
  'gateway-mode-routed': ': the network uses NAT and publishes ports as usual',
  'gateway-mode-nat-unprotected': ': the network keeps the per-port filtering of mode "nat"',
  'gateway-mode-isolated': ': the bridge keeps its address on the host, which the containers can reach',
};

export default defineRule({
  id: 'no-unsupported-engine-option',
  category: 'portability',
  severity: 'warning',
  description: 'Disallow network options the target engine does not have: newer Docker options, isolated gateways outside internal networks, low host ports on rootless engines, Podman-only network modes under Docker',
  probe: { notProbed: 'the twin runs on the engine at hand, which lints for itself (see --engine); the option exists there or not' },
  messages: {
    ignored: '"{{key}}" on {{owner}} needs {{since}} or later; {{engine}} ignores it{{consequence}}. upgrade the engine, or remove "{{key}}" if {{engine}} is what runs this project',
    refused: '"{{key}}" on {{owner}} needs {{since}} or later; Compose refuses to create the container on {{engine}}, whose API is older than 1.49. ' + 'upgrade the engine, or remove "{{key}}" if {{engine}} is what runs this project',
    isolatedNotInternal: 'gateway mode "isolated" ("{{option}}") of network "{{network}}" is only allowed on internal networks; {{engine}} refuses to create the network. ' + 'set "internal: true" on network "{{network}}", or use "nat" or "routed"',
    routedHostPort:
      'service "{{service}}" publishes host port "{{port}}", but every network it is on routes without NAT (gateway_mode_ipv4 "routed": {{networks}}); ' +
      '{{engine}} {{effect}}, and the container is reached at its own address on the port it listens on. publish only the container port, or use gateway mode "nat"',
    rootlessLowPort:
      'service "{{service}}" publishes host port "{{port}}", below 1024; the rootless engine {{engine}} cannot bind it unless net.ipv4.ip_unprivileged_port_start is lowered on the host, ' +
      'and the container fails to start. publish a host port from 1024 up, or lower that sysctl',
    podmanNetworkMode:
      'network_mode "{{mode}}" of service "{{service}}" is a Podman network mode; {{engine}} takes it as the name of a network and refuses the container ("network {{mode}} not found"). ' +
      'use "host", "none", "bridge", "service:NAME" or a network under Docker, or lint for Podman (--engine podman@5.2)',
  },
  check(graph, context) {
    const engine = graph.engine.name;
    for (const option of unsupportedOptions(graph.model, graph.engine)) {
      const owner = option.service ? `network "${option.network}" of service "${option.service}"` : `network "${option.network}"`;
      const data = { key: option.key, owner, since: dockerSince(option.fact), engine, consequence: CONSEQUENCE[option.fact] ?? '' };
      const refused = option.effect === 'refused';
      context.report({ messageId: refused ? 'refused' : 'ignored', at: option.at, service: option.service, network: option.network, data, ...(refused ? { severity: 'error' as const } : {}) });
    }
    if (graph.engineHas('gateway-mode-isolated')) {
      for (const network of graph.networks.values()) {
        if (!network.declared || network.external?.value === true || network.internal?.value === true || network.internal?.unknown) continue;
        for (const mode of gatewayModes(network)) {
          if (mode.value === 'isolated') context.report({ messageId: 'isolatedNotInternal', at: mode.at, network: network.name, data: { option: mode.option, network: network.name, engine }, severity: 'error' });
        }
      }
    }
    if (graph.model.mode === 'compose') {
      for (const service of graph.services.values()) {
        const networks = graph.attachments(service.name).flatMap((a) => graph.networks.get(a.network) ?? []);
        if (networks.length === 0 || !networks.every((n) => routesIpv4(n, graph.engine))) continue;
        // Docker 27 refuses a mapping that names a host port on a routed network; 28.0 logs it as unused (moby/moby#48575)
        const refuses = !graph.engineHas('routed-host-port-ignored');
        for (const binding of graph.hostBindings(service.name)) {
          const published = binding.published?.value;
          if (!published) continue;
          const port = published.start === published.end ? `${published.start}` : `${published.start}-${published.end}`;
          const data = { service: service.name, port, networks: networks.map((n) => `"${n.name}"`).join(', '), engine, effect: refuses ? 'refuses to create the container' : 'maps no host port' };
          context.report({ messageId: 'routedHostPort', at: binding.published!, service: service.name, data, severity: refuses ? 'error' : 'warning' });
        }
      }
    }
    if (graph.engineHas('rootless-low-ports') && graph.model.mode === 'compose') {
      for (const service of graph.services.values()) {
        for (const binding of graph.hostBindings(service.name)) {
          const published = binding.published?.value;
          if (!published || published.start >= 1024) continue;
          const port = published.start === published.end ? `${published.start}` : `${published.start}-${published.end}`;
          context.report({ messageId: 'rootlessLowPort', at: binding.published!, service: service.name, data: { service: service.name, port, engine } });
        }
      }
    }
    if (!graph.engineHas('podman-network-modes')) {
      for (const service of graph.services.values()) {
        const mode = service.networkMode;
        if (!mode || mode.unknown || mode.value.kind !== 'network') continue;
        const text = formatNetworkMode(mode.value);
        if (isPodmanNetworkMode(text)) context.report({ messageId: 'podmanNetworkMode', at: mode, service: service.name, data: { mode: text, service: service.name, engine }, severity: 'error' });
      }
    }
  },
});
