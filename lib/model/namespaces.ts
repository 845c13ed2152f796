import type { Model } from './types';

/** Why a service has no network of its own. */
export type Isolation = 'host' | 'none' | 'bridge' | 'joined' | 'external-container' | 'unknown-network';

export interface Namespace {
  /** the service whose namespace this service lives in (itself, unless `service:X`) */
  owner: string;
  /**
   * the service whose namespace this one joins directly (the first `service:` hop), when that is another service of
   * the project; undefined when it keeps its own (also when it names itself or a missing service). The rest of the
   * path to the owner is walked on demand by joinPath.
   */
  joins?: string;
  /** host, none, bridge (default bridge), joined (another service's), external-container, or undefined for user-defined networks */
  kind?: Isolation;
  /** a `service:` cycle or a missing target stops the chain here */
  broken?: 'cycle' | 'missing';
}

/** What a service's own `network_mode` says before following it: where it ends, or the service it joins (the target, not yet checked). */
type Step = { end: Namespace } | { target: string };

/**
 * The network namespace of every service of a project (see Namespace), by service name. Compose follows
 * `network_mode: service:X` (and `container:X` where X is a project service's `container_name`) to the service
 * whose namespace it joins; `docker stack deploy` ignores network_mode, so in a stack every service owns its own.
 * `containerNames` maps each known `container_name` to its service. Linear in the number of services: each
 * service's answer is taken from its direct target's, once (a chain of n joins costs n steps, not n²). Throws nothing.
 */
export function namespacesOf(model: Model, containerNames: ReadonlyMap<string, string>): Map<string, Namespace> {
  const out = new Map<string, Namespace>();
  if (model.mode === 'stack') {
    for (const name of model.services.keys()) out.set(name, { owner: name });
    return out;
  }
  const step = (name: string): Step => {
    const mode = model.services.get(name)?.networkMode?.value;
    if (!mode || mode.kind === 'network') return { end: { owner: name, kind: mode?.kind === 'network' && !model.networks.has(mode.target!) ? 'unknown-network' : undefined } };
    if (mode.kind === 'host' || mode.kind === 'none' || mode.kind === 'bridge') return { end: { owner: name, kind: mode.kind } };
    // container:<name> joins a container of this project when a service carries that container_name
    const target = mode.kind === 'container' ? containerNames.get(mode.target!) : mode.target!;
    if (target === undefined) return { end: { owner: name, kind: 'external-container' } };
    if (!model.services.has(target)) return { end: { owner: name, kind: 'joined', broken: 'missing' } };
    return { target };
  };
  for (const start of model.services.keys()) {
    if (out.has(start)) continue;
    // walk until a service already answered, one that ends the chain, or one met on this walk (a cycle)
    const path: string[] = [];
    const onPath = new Map<string, number>();
    let current = start;
    let base: Namespace | undefined;
    while (!(base = out.get(current))) {
      const next = step(current);
      if ('end' in next) {
        out.set(current, next.end);
        base = next.end;
        break;
      }
      onPath.set(current, path.length);
      path.push(current);
      const at = onPath.get(next.target);
      if (at !== undefined) {
        // the cycle path[at..]: each member's owner is the member before it (the walk from it stops there)
        const members = path.splice(at);
        members.forEach((m, i) => {
          const joins = members[(i + 1) % members.length];
          out.set(m, { owner: members[(i + members.length - 1) % members.length], ...(joins !== m ? { joins } : {}), kind: 'joined', broken: 'cycle' });
        });
        current = next.target;
        base = out.get(current)!;
        break;
      }
      current = next.target;
    }
    // the services walked lead into `base`'s namespace, each through the one after it
    for (let i = path.length - 1; i >= 0; i--) {
      const joins = i + 1 < path.length ? path[i + 1] : current;
      const ns: Namespace = { owner: base.owner, joins, kind: base.kind, ...(base.broken ? { broken: base.broken } : {}) };
      out.set(path[i], ns);
      base = ns;
    }
  }
  return out;
}

/**
 * The `service:` path from `service` to its namespace owner, walked hop by hop with `joined` (the direct target, as
 * NetworkGraph.joinedService answers): `[service, hop1, …, owner]`; for a cycle, up to and including the first service met
 * twice (`[a, b, a]`, the path compose-go prints in "cycle found: a -> b -> a"). Costs the length of the path; meant
 * for messages, not for loops over all services.
 */
export function joinPath(service: string, joined: (service: string) => string | undefined, has: (service: string) => boolean): string[] {
  const path = [service];
  const seen = new Set(path);
  for (let next = joined(service); next !== undefined && has(next); next = joined(next)) {
    path.push(next);
    if (seen.has(next)) break;
    seen.add(next);
  }
  return path;
}
