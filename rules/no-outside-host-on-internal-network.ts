import { lineOf } from '../lib/engine/messages';
import { defineRule } from '../lib/engine/rule';
import type { NetworkGraph, Reference } from '../lib/model/graph';
import { isHostInternalName, isLoopbackName } from '../lib/model/loopback';
import type { Located } from '../lib/model/types';

const PREFIX = 'service "{{source}}" references the outside host "{{name}}" ({{via}}) but is attached only to {{networks}}, so it reaches nothing outside the project; ';
const FIX = '. attach "{{source}}" to a non-internal network as well, or send its requests through a proxy service that is also on one (HTTPS_PROXY)';

/** Variables that send a program's outside connections through a proxy (curl, Go, Python, Node clients read them). */
const PROXY_VARIABLE = /^(https?|all)_proxy$/i;

export default defineRule({
  id: 'no-outside-host-on-internal-network',
  category: 'correctness',
  severity: 'warning',
  description: 'Disallow references to outside hosts from a service attached only to internal networks',
  // the facts are those of the bridge driver's internal networks; a stack's internal overlays are not checked
  modes: ['compose'],
  // a dotted name that is no name of the project is taken for an outside host
  precision: 'high',
  probe: { notProbed: 'the probe sends no traffic to hosts outside the project' },
  // what the user sees follows the target engine (facts internal-no-external-dns, internal-no-default-route)
  messages: {
    noDns: PREFIX + 'on {{engine}} the engine\'s DNS server does not look up outside names for such a container, so "{{name}}" does not resolve' + FIX,
    noRoute: PREFIX + 'on {{engine}} such a container has no default route, so a connection to "{{name}}", if the name resolves at all, fails at once with "network unreachable"' + FIX,
    dropped: PREFIX + 'on {{engine}} its default route leads to a gateway that drops the packets, so a connection to "{{name}}", if the name resolves at all, hangs until it times out' + FIX,
  },

  check(graph, context) {
    const messageId = graph.engineHas('internal-no-external-dns') ? 'noDns' : graph.engineHas('internal-no-default-route') ? 'noRoute' : 'dropped';
    for (const source of graph.services.keys()) {
      const ns = graph.namespace(source);
      if (ns.kind !== undefined || ns.broken || ns.joins !== undefined || !graph.onlyInternal(source)) continue;
      const refs = graph.referencesFrom(source);
      // a proxy on the internal network is how such a service is meant to reach outside hosts
      if (refs.some((r) => r.variable && PROXY_VARIABLE.test(r.variable))) continue;
      const byName = new Map<string, Reference[]>();
      for (const ref of refs) {
        if (!isOutside(graph, source, ref)) continue;
        const key = ref.name.toLowerCase();
        byName.set(key, [...(byName.get(key) ?? []), ref]);
      }
      if (byName.size === 0) continue;
      const internal = [...new Set(graph.attachments(source).map((a) => a.network))].sort().map((name) => ({ name, flag: graph.networks.get(name)!.internal! }));
      for (const found of byName.values()) {
        const [first, ...rest] = found.sort((a, b) => graph.compareSpans(a.span, b.span));
        const networks = internal.map((n) => `"${n.name}" (${lineOf(n.flag.span, first.span)})`).join(', ');
        context.report({
          messageId,
          at: first,
          service: source,
          subject: { kind: 'reference', service: source, index: refs.indexOf(first) },
          ...(internal.length === 1 ? { network: internal[0].name } : {}),
          data: { source, name: first.name, via: first.variable ?? first.kind, engine: graph.engine.name, networks: `${internal.length === 1 ? 'internal network' : 'internal networks'} ${networks}` },
          related: [...internal.map((n) => ({ message: `network "${n.name}" is made internal here`, at: n.flag as Located<boolean> })), ...rest.map((r) => ({ message: `"${r.name}" also referenced here`, at: r }))],
        });
      }
    }
  },
});

/**
 * Whether a reference names a host outside the project and the machine: a dotted name (`api.example.com`) that is no
 * name of the project, not written in the service's extra_hosts, and not a loopback or host-gateway name (those are
 * no-loopback-reference's and require-host-gateway's). One-label names are left to no-misspelled-host.
 */
function isOutside(graph: NetworkGraph, source: string, ref: Reference): boolean {
  if (ref.kind === 'depends_on' || ref.kind === 'links' || ref.kind === 'external_links') return false;
  if (!ref.name.includes('.') || /^\d+(\.\d+)*$/.test(ref.name)) return false;
  if (isLoopbackName(ref.name) || isHostInternalName(ref.name)) return false;
  return !graph.isProjectName(ref.name) && !graph.extraHost(source, ref.name) && graph.resolves(source, ref.name).length === 0;
}
