import { lineOf } from '../lib/engine/messages';
import { defineRule } from '../lib/engine/rule';
import type { NetworkMode, Service } from '../lib/model/types';
import type { Span } from '../lib/source/span';
import { allBut, closest, editDistance, quotedList } from '../lib/util/suggest';

/** Options a service may not set once it joins another's network namespace, with the engine's refusal and the fix. */
const JOINER_OPTIONS: readonly { key: string; refusal: string; fix: string }[] = [
  { key: 'ports', refusal: 'port publishing and the container type network mode', fix: 'publish the port on "{{owner}}" instead' },
  { key: 'expose', refusal: 'port exposing and the container type network mode', fix: 'remove it; the ports of the namespace are those of "{{owner}}"' },
  { key: 'hostname', refusal: 'hostname and the network mode', fix: 'remove it; the container takes the hostname of "{{owner}}"' },
  { key: 'dns', refusal: 'dns and the network mode', fix: 'set "dns" on "{{owner}}", whose resolver configuration the container shares' },
  { key: 'extra_hosts', refusal: 'custom host-to-IP mapping and the network mode', fix: 'set "extra_hosts" on "{{owner}}", whose /etc/hosts the container shares' },
  { key: 'mac_address', refusal: 'mac-address and the network mode', fix: 'remove it; the interface belongs to "{{owner}}"' },
  { key: 'links', refusal: "container type network can't be used with links", fix: 'remove it; the container already resolves every name "{{owner}}" resolves' },
];

export default defineRule({
  id: 'no-network-mode-conflict',
  category: 'correctness',
  severity: 'error',
  description: 'Disallow network_mode settings that Compose or the engine refuses',
  // `docker stack deploy` ignores `network_mode` altogether (no-swarm-unsupported-options reports it there)
  modes: ['compose'],
  // a prefix typo only: the container then joins the namespace meant, where before the engine refused to start it
  fix: 'changes-behaviour',
  probe: { claim: 'engine-refuses', cells: [], events: ['create-failed', 'start-failed'], message: /conflicting options|joins|does not belong to the default network/ },
  messages: {
    withNetworks:
      'service "{{service}}" sets network_mode "{{mode}}" and also lists networks ({{where}}); Compose refuses the project ' +
      '("declares mutually exclusive `network_mode` and `networks`"). remove "networks", or remove "network_mode" to attach the service to those networks',
    missingService:
      'service "{{service}}" joins the network namespace of service "{{target}}" (network_mode "{{mode}}"), which is not an active service of this project{{suggestion}}; ' +
      'Compose refuses the project. name an existing service (services: {{services}})',
    cycle:
      'network_mode "{{mode}}" closes a cycle of services joining each other\'s network namespace ({{cycle}}); no service in it owns a network, ' +
      'so Compose refuses the project ("cycle found"). let one of {{members}} keep its own network and join the others to it',
    selfJoin: 'service "{{service}}" joins its own network namespace (network_mode "{{mode}}"); ' + 'Compose refuses the project ("cycle found"). remove "network_mode", or name the service whose namespace it should share',
    typo:
      'service "{{service}}" sets network_mode "{{mode}}"; "{{written}}:" is no prefix Docker knows, so the engine takes the whole value for the name of a network ' +
      'and refuses to start the container ("network {{mode}} not found"). did you mean "{{replacement}}"?',
    modeTypo:
      'service "{{service}}" sets network_mode "{{mode}}", which is no mode Docker knows and no network of this project, so the engine takes it for the name of a network ' +
      'and refuses to start the container ("network {{mode}} not found"). did you mean "{{replacement}}"?',
    containerIsService:
      'service "{{service}}" sets network_mode "{{mode}}", but "{{target}}" is a service of this project and no container is named "{{target}}": ' +
      'Compose names its containers "{{project}}-{{target}}-1", so the engine refuses to start the container ("No such container: {{target}}"). ' +
      'write "{{replacement}}" to join the network namespace of service "{{target}}"',
    hostLinks:
      'service "{{service}}" sets "links" but uses network_mode "host" ({{where}}); the engine refuses to create the container ' +
      '("conflicting options: host type networking can\'t be used with links"). remove "links": a host-network container resolves no service names, ' +
      'so reach the linked services through ports they publish on "localhost", or drop network_mode "host"',
    linkToHost:
      'service "{{service}}" links to "{{target}}", which uses network_mode "host"; the engine refuses to create the container ' +
      '("conflicting options: host type networking can\'t be used with links"). remove the link; "{{target}}" listens on the host',
    linkOffBridge:
      'service "{{service}}" is on the default bridge (network_mode "bridge", {{where}}) and links to "{{target}}", which is not ({{targetMode}}); ' +
      'the engine refuses to start the container ("Cannot link to …, as it does not belong to the default network"). give "{{target}}" network_mode "bridge" too, or put both on a user-defined network and drop the link',
    joinerOption: 'service "{{service}}" sets "{{option}}" but joins the network namespace of "{{owner}}" (network_mode "{{mode}}", {{where}}); ' + 'the engine refuses to create the container ("conflicting options: {{refusal}}"). {{fix}}',
  },
  check(graph, context) {
    const services = [...graph.services.keys()].sort();
    const cycles = new Map<string, string[]>();
    const inCycle = new Set<string>();
    for (const service of graph.services.values()) {
      // moby registerLinks (legacy links: a linker on the default bridge or without networking) refuses a link to a
      // container on the host network at create (measured on 20.10); on a user network a link is only a DNS alias
      const own = service.networkMode?.value.kind;
      if (own === 'bridge' || own === 'none') {
        for (const link of service.links) {
          if (!graph.services.has(link.service) || graph.namespace(link.service).kind !== 'host') continue;
          context.report({ messageId: 'linkToHost', at: link, service: service.name, data: { service: service.name, target: link.service } });
        }
      }
      const mode = service.networkMode;
      if (!mode || mode.unknown) continue;
      const text = modeText(mode.value);

      const networks = graph.serviceKey(service.name, 'networks');
      if (networks && !networks.empty && !networks.unknown && service.networks.length > 0) {
        context.report({
          messageId: 'withNetworks',
          at: mode,
          service: service.name,
          data: { service: service.name, mode: text, where: lineOf(networks.span, mode.span) },
          related: [{ message: 'networks listed here', at: networks }],
        });
      }

      // the refusals Compose makes for a `service:` chain are the model's (graph.creation)
      const ns = graph.namespace(service.name);
      const creation = graph.creation(service.name);
      const reason = creation.created ? undefined : creation.reason;
      if (reason === 'network-mode-missing' && ns.owner === service.name && mode.value.kind === 'service') {
        const target = mode.value.target!;
        const near = closest(target, allBut(services, service.name));
        context.report({
          messageId: 'missingService',
          at: mode,
          service: service.name,
          data: {
            service: service.name,
            target,
            mode: text,
            suggestion: near === undefined ? '' : ` (did you mean "${near}"?)`,
            services: quotedList(services, 10, service.name) || 'none other',
          },
        });
      }
      if (reason === 'network-mode-cycle' && !inCycle.has(ns.owner)) {
        // the owner of a service in or leading into a cycle is a member of it (namespaces.ts): walk the cycle once
        const members = graph.joinPath(ns.owner).slice(0, -1);
        for (const m of members) inCycle.add(m);
        cycles.set([...members].sort().join('\0'), members);
      }

      const typo = prefixTypo(mode.value);
      if (typo) {
        // certain only where the corrected value names what exists: a service of the project after "service:"
        const certain = typo.prefix !== 'service' || graph.services.has(typo.replacement.slice('service:'.length));
        const fix = certain ? { title: `set network_mode to "${typo.replacement}"`, edits: [{ op: 'set' as const, at: mode.span, value: typo.replacement, expect: text }] } : undefined;
        context.report({ messageId: 'typo', at: mode, service: service.name, data: { service: service.name, mode: text, ...typo }, fix });
        continue;
      }
      const near = modeTypo(mode.value);
      if (near !== undefined && !graph.networks.get(mode.value.target!)?.declared) {
        context.report({ messageId: 'modeTypo', at: mode, service: service.name, data: { service: service.name, mode: text, replacement: near } });
        continue;
      }
      if (mode.value.kind === 'container' && ns.kind === 'external-container' && graph.services.has(mode.value.target!)) {
        const target = mode.value.target!;
        context.report({
          messageId: 'containerIsService',
          at: mode,
          service: service.name,
          data: { service: service.name, mode: text, target, project: graph.model.name, replacement: `service:${target}` },
        });
      }
      if (mode.value.kind === 'host' && service.links.length > 0) {
        const links = graph.serviceKey(service.name, 'links');
        if (links && !links.unknown) {
          context.report({
            messageId: 'hostLinks',
            at: links,
            service: service.name,
            data: { service: service.name, where: lineOf(mode.span, links.span) },
            related: [{ message: 'network_mode "host" is set here', at: mode }],
          });
        }
      }

      // moby's legacy links (daemon, setupLinkedContainers): on the default bridge the linked container must be there too,
      // itself or the container whose namespace it joins (measured on 20.10: a link to a none or user-network container is refused at start)
      if (mode.value.kind === 'bridge') {
        for (const link of service.links) {
          if (!graph.services.has(link.service)) continue;
          const target = graph.namespace(link.service);
          if (target.kind === 'bridge' || target.kind === 'host' || target.broken) continue;
          const targetMode = graph.services.get(target.owner)!.networkMode;
          const described = targetMode && !targetMode.unknown ? `network_mode "${modeText(targetMode.value)}"` : 'it is on user-defined networks';
          context.report({
            messageId: 'linkOffBridge',
            at: link,
            service: service.name,
            data: { service: service.name, target: link.service, targetMode: described, where: lineOf(mode.span, link.span) },
            related: [{ message: 'network_mode "bridge" is set here', at: mode }],
          });
        }
      }

      if (mode.value.kind !== 'service' && mode.value.kind !== 'container') continue;
      const owner = mode.value.target!;
      for (const option of JOINER_OPTIONS) {
        const key = graph.serviceKey(service.name, option.key);
        if (!key || key.empty || key.unknown || !typed(service, option.key)) continue;
        context.report({
          messageId: 'joinerOption',
          at: key,
          service: service.name,
          data: {
            service: service.name,
            option: option.key,
            owner,
            mode: text,
            where: lineOf(mode.span, key.span),
            refusal: option.refusal,
            fix: option.fix.replace('{{owner}}', owner),
          },
          related: [{ message: 'the namespace is joined here', at: mode }],
        });
      }
    }

    for (const members of cycles.values()) {
      if (members.length === 1) {
        const mode = graph.services.get(members[0])!.networkMode!;
        context.report({ messageId: 'selfJoin', at: mode, service: members[0], data: { service: members[0], mode: modeText(mode.value) } });
        continue;
      }
      // blame the network_mode written last; the other members' network_mode go in related
      const modes = members.map((m) => ({ name: m, mode: graph.services.get(m)!.networkMode! }));
      modes.sort((a, b) => compare(a.mode.span, b.mode.span));
      const last = modes[modes.length - 1];
      const start = members.indexOf(last.name);
      const order = [...members.slice(start + 1), ...members.slice(0, start + 1)];
      context.report({
        messageId: 'cycle',
        at: last.mode,
        service: last.name,
        data: {
          mode: modeText(last.mode.value),
          cycle: [last.name, ...order].join(' -> '),
          members: [...members]
            .sort()
            .map((m) => `"${m}"`)
            .join(', '),
        },
        related: modes.slice(0, -1).map((m) => ({ message: `"${m.name}" joins "${next(members, m.name)}" here`, at: m.mode })),
      });
    }
  },
});

/** The prefixes `network_mode` knows besides the plain modes: Compose's `service:` (compose-go types.ServicePrefix) and the engine's `container:` (moby NetworkMode.IsContainer); both are case-sensitive. */
const PREFIXES = ['service', 'container'] as const;

/**
 * A `network_mode` that the parser took for a network name because its prefix is a near miss of `service:` or
 * `container:` (`services:vpn`, `Service:vpn`, `conatiner:vpn`): the prefix as written, the one meant, and the
 * value with it (the certain replacement, for --fix). Undefined for anything else.
 */
function prefixTypo(mode: NetworkMode): { written: string; prefix: string; replacement: string } | undefined {
  if (mode.kind !== 'network') return undefined;
  const colon = mode.target!.indexOf(':');
  if (colon <= 0 || colon === mode.target!.length - 1) return undefined;
  const written = mode.target!.slice(0, colon);
  const prefix = closest(written, PREFIXES);
  if (prefix === undefined) return undefined;
  return { written, prefix, replacement: `${prefix}:${mode.target!.slice(colon + 1)}` };
}

/** The plain modes `network_mode` knows (moby NetworkMode.IsBridge/IsHost/IsNone; case-sensitive). */
const PLAIN_MODES = ['bridge', 'host', 'none'] as const;

/**
 * The plain mode a `network_mode` the parser took for a network name is one edit from (`hots`, `Host`, `brige`),
 * or undefined. The caller checks that no declared network has the name.
 */
function modeTypo(mode: NetworkMode): string | undefined {
  if (mode.kind !== 'network' || mode.target!.includes(':')) return undefined;
  const near = closest(mode.target!, PLAIN_MODES);
  return near !== undefined && editDistance(mode.target!.toLowerCase(), near) <= 1 ? near : undefined;
}

function next(members: readonly string[], name: string): string {
  return members[(members.indexOf(name) + 1) % members.length];
}

/** Whether the model saw a real value for an option (a list with items, a scalar), not only its key. */
function typed(service: Service, key: string): boolean {
  switch (key) {
    case 'ports':
      return service.ports.length > 0;
    case 'expose':
      return service.expose.length > 0;
    case 'hostname':
      return service.hostname !== undefined && service.hostname.value !== '';
    case 'dns':
      return service.dns.length > 0;
    case 'extra_hosts':
      return service.extraHosts.length > 0;
    case 'links':
      return service.links.length > 0;
    default:
      return true;
  }
}

function modeText(mode: NetworkMode): string {
  return mode.kind === 'service' || mode.kind === 'container' ? `${mode.kind}:${mode.target}` : mode.kind === 'network' ? mode.target! : mode.kind;
}

function compare(a: Span, b: Span): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column;
}
