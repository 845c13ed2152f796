import type { Namespace } from './namespaces';
import type { Model } from './types';

/**
 * Whether the containers of a service are created, and if not, why:
 * - `created: true`: Compose (or, in a stack, Swarm) creates them. (Whether each then binds its ports is
 *   the binding outcome's answer, see BindingOutcome; a container that joins a namespace outside the
 *   project, `container:<name>` or a network Compose does not declare, is created when that container or
 *   network exists on the engine, which the project cannot tell.)
 * - `refusedBy: 'compose'`: the project fails Compose's consistency checks before the engine sees it
 *   (compose-go `loader/validate.go` `checkConsistency`: `network_mode` beside `networks`, an undefined
 *   network; `graph.go` for cycles). Compose refuses the whole
 *   project, not only this service: `message` is the error `docker compose up` prints.
 * - `refusedBy: 'engine'`: `docker stack deploy` refuses the stack while converting it (docker/cli
 *   `cli/compose/convert/service.go`), the engine never creating a service.
 * - `reason: 'no-replicas'` (no `refusedBy`): nothing refuses it; it is scaled to 0 (`scale: 0`,
 *   `deploy.replicas: 0`), so there is no container.
 * - `reason: 'provider'` (no `refusedBy`): a `provider:` service, which Compose hands to that provider
 *   (a plugin or binary named by `provider.type`) instead of creating a container (Compose file reference,
 *   "provider"; docker/compose pkg/compose/plugins.go).
 */
export type Creation =
  | { created: true }
  | { created: false; refusedBy: 'compose' | 'engine'; reason: 'network-mode-cycle' | 'network-mode-missing' | 'network-mode-with-networks' | 'undefined-network'; message: string }
  | { created: false; reason: 'no-replicas' | 'provider'; message: string };

/** What creationOf reads of the graph. */
export interface CreationContext {
  model: Model;
  namespace(service: string): Namespace;
  joinedService(service: string): string | undefined;
  /** the `service:` path from a service to its owner; for a cycle, up to the first service met twice */
  joinPath(service: string): string[];
  /** the endpoints of a service by namespace: its namespace owner's networks */
  attachments(service: string): readonly { network: string }[];
}

/**
 * Whether the containers of `service` are created (see Creation), from its namespace (joinPath for a cycle's message), its
 * networks (its namespace owner's) and its replica count. Throws nothing; a service the project does not have is `created: true`.
 */
export function creationOf(graph: CreationContext, service: string): Creation {
  const s = graph.model.services.get(service);
  if (!s) return { created: true };
  const ns = graph.namespace(service);
  const stack = graph.model.mode === 'stack';
  if (ns.broken === 'cycle') {
    // compose-go graph.go: "cycle found: a -> b -> a"
    // the message is built when read: a path per service in or into a cycle of n would cost n² if built for each
    return new CycleRefusal(graph, service);
  }
  if (ns.broken === 'missing') {
    // compose-go checkConsistency, for the service whose network_mode names the missing one
    const target = graph.joinedService(ns.owner) ?? '';
    return { created: false, refusedBy: 'compose', reason: 'network-mode-missing', message: `service "${target}" not found for network_mode 'service:${target}'` };
  }
  const networksKey = s.keys.get('networks');
  if (!stack && s.networkMode && !s.networkMode.unknown && networksKey && !networksKey.empty && !networksKey.unknown && s.networks.length > 0) {
    // compose-go checkConsistency (loader/validate.go), as docker compose prints it
    return { created: false, refusedBy: 'compose', reason: 'network-mode-with-networks', message: `service ${service} declares mutually exclusive \`network_mode\` and \`networks\`: invalid compose project` };
  }
  for (const { network } of graph.attachments(service)) {
    if (graph.model.networks.has(network)) continue;
    // compose-go checkConsistency: `service %q refers to undefined network %s: invalid compose project`;
    // docker/cli convertServiceNetworks: `undefined network %q`, wrapped by Services as `service %s: …`
    // (a service that joins another's namespace is refused with its owner)
    const message = stack ? `service ${ns.owner}: undefined network "${network}"` : `service "${ns.owner}" refers to undefined network ${network}: invalid compose project`;
    return { created: false, refusedBy: stack ? 'engine' : 'compose', reason: 'undefined-network', message };
  }
  if (s.provider && !s.provider.unknown) return { created: false, reason: 'provider', message: `"${service}" is run by provider "${s.provider.value}", not as a container` };
  if (s.replicas.count === 0) return { created: false, reason: 'no-replicas', message: `"${service}" has 0 replicas` };
  return { created: true };
}

/**
 * A service in or into a `network_mode: service:` cycle: compose-go graph.go refuses it with "cycle found: a -> b -> a".
 * The message is built when read, by a getter on the prototype (which deepFreeze leaves uncalled): a path per
 * service in or into a cycle of n would cost n² if built for each.
 */
class CycleRefusal {
  readonly created = false;
  readonly refusedBy = 'compose';
  readonly reason = 'network-mode-cycle';

  constructor(
    private readonly graph: CreationContext,
    private readonly service: string,
  ) {}

  get message(): string {
    return `cycle found: ${this.graph.joinPath(this.service).join(' -> ')}`;
  }
}
