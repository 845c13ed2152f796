import { defineRule, type Place } from '../lib/engine/rule';
import type { NetworkGraph, Reference } from '../lib/model/graph';
import type { Link } from '../lib/model/types';

const PREFIX = 'service "{{source}}" references "{{name}}" ({{via}}){{named}}, but ';

const messages = {
  noSharedNetwork: PREFIX + 'they share no network: "{{source}}" is on {{sourceNetworks}}, "{{target}}" on {{targetNetworks}}; the name will not resolve. attach both to a common network',
  sourceNone: PREFIX + '"{{source}}" uses network_mode "none" and can reach nothing; the name will not resolve. give "{{source}}" a network shared with "{{target}}"',
  sourceHost: PREFIX + '"{{source}}" uses network_mode "host" and looks names up in the host\'s DNS, which knows no service names; the name will not resolve. {{fix}}',
  targetNone: PREFIX + '"{{target}}" uses network_mode "none" and cannot be reached at all; the name will not resolve. attach "{{target}}" to a network "{{source}}" is on',
  targetHost: PREFIX + '"{{target}}" uses network_mode "host" and has no name on any container network; the name will not resolve. ' + 'reach it through the host gateway ({{hostGateway}}), or attach "{{target}}" to a network "{{source}}" is on',
  targetBridge: PREFIX + '"{{target}}" is on the default bridge (network_mode "bridge"), where Docker resolves no container names; the name will not resolve. attach both to a common user-defined network',
  targetJoined: PREFIX + '"{{target}}" runs in the network namespace of "{{owner}}" (network_mode "{{mode}}") and has no name of its own on any network; the name will not resolve. address it as "{{owner}}"{{reach}}',
  aliasElsewhere:
    'service "{{source}}" references "{{name}}" ({{via}}), an alias of "{{target}}" only on {{aliasNetworks}}, which "{{source}}" is not on; on {{sharedNetworks}}, which they share, ' +
    'the name will not resolve. add "{{name}}" to the aliases of "{{target}}" on "{{shared}}", or use "{{target}}"',
  linkAlias:
    'service "{{source}}" references "{{name}}" ({{via}}), a link alias of "{{target}}" that only "{{linker}}" sees (line {{line}}); the name will not resolve from "{{source}}". ' +
    'use "{{target}}", or make "{{name}}" a network alias of "{{target}}"',
  targetProvider:
    PREFIX +
    '"{{target}}" is a provider service (provider type "{{provider}}", line {{line}}): Compose runs no container for it, so it has no address and no name on any network, ' +
    'and no network can change that; the name will not resolve. read the connection details the provider hands to services that depend on "{{target}}" (Compose sets them as environment variables)',
  linkIgnored:
    'service "{{source}}" references "{{name}}" ({{via}}), the name "{{linker}}" gives "{{target}}" with links (line {{line}}), but docker stack deploy ignores links; ' +
    'the name will not resolve. use "{{target}}", or give "{{target}}" "aliases: [{{name}}]" on a network "{{source}}" is on',
  containerNameIgnored: 'service "{{source}}" references "{{name}}" ({{via}}), the container_name of "{{target}}", but docker stack deploy ignores container_name; the name will not resolve. use "{{target}}"',
};

/** A key of this rule's messages. */
type MessageId = keyof typeof messages;

export default defineRule({
  id: 'no-unreachable-reference',
  category: 'correctness',
  severity: 'error',
  description: 'Disallow referring to a service of the project by a name that does not resolve from the referring service',
  precision: 'high',
  probe: { claim: 'reference-unreachable', cells: ['dns', 'tcp', 'udp'] },
  messages,

  check(graph, context) {
    const stack = graph.model.mode === 'stack';
    // in a stack: each link alias (lower-cased, DNS ignores case) with the first link that declares it
    const linkAliases = new Map<string, { link: Link; linker: string }>();
    if (stack) for (const s of graph.services.values()) for (const link of s.links) if (graph.services.has(link.service) && !linkAliases.has(link.alias.toLowerCase())) linkAliases.set(link.alias.toLowerCase(), { link, linker: s.name });
    for (const source of graph.services.keys()) {
      const ns = graph.namespace(source);
      // the default bridge is no-default-bridge-dns's; an unknown namespace is a guess
      if (ns.kind === 'bridge' || ns.broken || ns.kind === 'external-container' || ns.kind === 'unknown-network') continue;
      // a provider service runs no container that could look anything up
      if (graph.services.get(source)?.provider) continue;
      const groups = new Map<string, { cause: Cause; refs: Reference[] }>();
      for (const ref of graph.referencesFrom(source)) {
        // depends_on only orders startup; external_links name containers outside the project
        if (ref.kind === 'depends_on' || ref.kind === 'external_links') continue;
        // docker stack deploy ignores links (the graph gives their aliases no name), so a link alias is no name at all there
        const link = stack && ref.kind !== 'links' && !graph.isProjectName(ref.name) ? linkAliases.get(ref.name.toLowerCase()) : undefined;
        if (link) {
          const key = `link\0${link.link.service}\0${ref.name.toLowerCase()}`;
          if (!groups.has(key))
            groups.set(key, {
              cause: { key, messageId: 'linkIgnored', data: { target: link.link.service, linker: link.linker, line: String(link.link.span.line) }, related: [{ message: `the link of "${link.linker}"`, at: link.link }] },
              refs: [],
            });
          groups.get(key)!.refs.push(ref);
          continue;
        }
        // the engine refuses a host-network container with links at all: no-network-mode-conflict reports it
        if (ref.kind === 'links' && ns.kind === 'host') continue;
        if (!graph.isProjectName(ref.name) || graph.resolves(source, ref.name).length > 0 || graph.extraHost(source, ref.name)) continue;
        // a service's own names, or those of services sharing its namespace, are not references to another service
        const owners = graph.ownersOf(ref.name).filter((o) => graph.namespace(o).owner !== ns.owner);
        let cause: Cause | undefined;
        for (const target of owners) if ((cause = explain(graph, source, ref.name, target))) break;
        if (!cause) continue;
        if (!groups.has(cause.key)) groups.set(cause.key, { cause, refs: [] });
        groups.get(cause.key)!.refs.push(ref);
      }
      for (const { cause, refs } of groups.values()) {
        const [first, ...rest] = refs.sort((a, b) => graph.compareSpans(a.span, b.span));
        context.report({
          messageId: cause.messageId,
          at: first,
          service: source,
          subject: { kind: 'reference', service: source, index: graph.referencesFrom(source).indexOf(first) },
          data: { ...cause.data, source, name: first.name, via: first.variable ?? first.kind, named: named(graph, first.name, cause.data.target) },
          related: [...cause.related, ...rest.map((r) => ({ message: `"${r.name}" also referenced here`, at: r as Place }))],
        });
      }
    }
  },
});

interface Cause {
  /** what makes one root cause: the target, and the name when the cause is the name itself */
  key: string;
  messageId: MessageId;
  data: Record<string, string> & { target: string };
  related: { message: string; at: Place }[];
}

/** Why `name`, a name of `target`, does not resolve from `source`; undefined when that is not known for sure. */
function explain(graph: NetworkGraph, source: string, name: string, target: string): Cause | undefined {
  const sns = graph.namespace(source);
  const tns = graph.namespace(target);
  if (tns.broken || tns.kind === 'external-container' || tns.kind === 'unknown-network') return undefined;
  const provider = graph.services.get(target)?.provider;
  if (provider && !provider.unknown) return { key: target, messageId: 'targetProvider', data: { target, provider: provider.value, line: String(provider.span.line) }, related: [] };
  // an undeclared network stops the project (no-undefined-network); where it would have led is a guess
  if (onUndeclaredNetwork(graph, source) || onUndeclaredNetwork(graph, target)) return undefined;
  const stack = graph.model.mode === 'stack';
  const cause = (messageId: MessageId, data: Record<string, string> = {}, related: Cause['related'] = [], byName = false): Cause => ({
    key: byName ? `${target}\0${name}` : target,
    messageId,
    data: { target, ...data },
    related,
  });
  if (sns.kind === 'none') return cause('sourceNone');
  if (sns.kind === 'host') {
    const fix =
      tns.kind === 'host'
        ? `"${target}" shares the host network too: use "localhost"`
        : graph.publishedOnHost(target).length > 0
          ? `use "localhost" and a port "${target}" publishes`
          : `publish a port of "${target}" and use "localhost", or drop network_mode "host"`;
    return cause('sourceHost', { fix });
  }
  if (tns.chain.length > 0) {
    const mode = graph.services.get(target)?.networkMode?.value;
    return cause('targetJoined', {
      owner: tns.owner,
      mode: mode ? `${mode.kind}:${mode.target}` : '',
      reach: graph.resolves(source, tns.owner).length > 0 ? '' : `, from a network "${tns.owner}" is on`,
    });
  }
  if (tns.kind === 'none') return cause('targetNone');
  if (tns.kind === 'host') {
    // Podman (4.7+) and Docker Desktop put host.docker.internal in /etc/hosts themselves (fact host-internal-names)
    const hostGateway = graph.engineHas('host-internal-names') ? `"host.docker.internal", which ${graph.engine.name} resolves without extra_hosts` : `extra_hosts "host.docker.internal:host-gateway" on "${source}"`;
    return cause('targetHost', { hostGateway });
  }
  if (tns.kind === 'bridge') return cause('targetBridge');
  const containerName = graph.services.get(target)?.containerName;
  if (stack && containerName?.value === name && name !== target) return cause('containerNameIgnored', {}, [], true);
  const shared = graph.sharedNetworks(source, target).sort();
  if (shared.length === 0) {
    const through = sns.chain.length > 0 ? ` (through "${sns.owner}", whose namespace it joined)` : '';
    return cause('noSharedNetwork', { sourceNetworks: networkList(graph, source) + through, targetNetworks: networkList(graph, target) });
  }
  // connected, yet the name is registered only where the source is not, or only for another service
  const entries = graph.attachments(target).flatMap((a) => (graph.namesOn(a.network).get(name.toLowerCase()) ?? []).filter((e) => e.service === target && e.name === name));
  const elsewhere = [...new Set(entries.filter((e) => e.kind === 'alias' && !shared.includes(e.network)).map((e) => e.network))].sort();
  if (elsewhere.length > 0) {
    return cause('aliasElsewhere', { aliasNetworks: quoted(elsewhere, 'network'), sharedNetworks: quoted(shared, 'network'), shared: shared[0] }, [], true);
  }
  const link = entries.find((e) => e.kind === 'link' && e.onlyFor !== undefined && e.onlyFor !== source);
  if (link) return cause('linkAlias', { linker: link.onlyFor!, line: String(link.span.line) }, [{ message: `the link of "${link.onlyFor}"`, at: link }], true);
  return undefined;
}

/** `, an alias of "db"` and the like, when the name used is not the target's service name. */
function named(graph: NetworkGraph, name: string, target: string): string {
  if (name === target) return '';
  if (graph.services.get(target)?.containerName?.value === name) return `, the container_name of "${target}"`;
  if (graph.attachments(target).some((a) => a.spec.aliases.some((x) => x.value === name))) return `, an alias of "${target}"`;
  return `, a name of "${target}"`;
}

function onUndeclaredNetwork(graph: NetworkGraph, service: string): boolean {
  return graph.attachments(service).some((a) => !graph.networks.has(a.network));
}

function networkList(graph: NetworkGraph, service: string): string {
  return listOf([...new Set(graph.attachments(service).map((a) => a.network))]);
}

/** `network "a"`, `networks "a" and "b"` */
function quoted(names: string[], kind: string): string {
  return `${kind}${names.length > 1 ? 's' : ''} ${listOf(names)}`;
}

/** `"a"`, `"a" and "b"`, `"a", "b" and "c"`: sorted */
function listOf(names: string[]): string {
  const q = [...names].sort().map((n) => `"${n}"`);
  return q.length > 1 ? `${q.slice(0, -1).join(', ')} and ${q[q.length - 1]}` : q.join('');
}
