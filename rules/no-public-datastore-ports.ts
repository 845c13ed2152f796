import type { FixProposal } from '../lib/engine/fix';
import { defineRule, type Place } from '../lib/engine/rule';
import type { Address, PortBinding } from '../lib/model/types';

export interface KnownPort {
  port: number;
  name: string;
}

export interface Options {
  /** a port number, or a port with the name messages give it */
  ports: (number | KnownPort)[];
}

export const DEFAULT_PORTS: KnownPort[] = [
  { port: 2181, name: 'ZooKeeper' },
  { port: 2345, name: 'Delve debugger' },
  { port: 2375, name: 'Docker API' },
  { port: 2376, name: 'Docker API (TLS)' },
  { port: 2379, name: 'etcd client' },
  { port: 2380, name: 'etcd peer' },
  { port: 3306, name: 'MySQL/MariaDB' },
  { port: 5005, name: 'Java debugger (JDWP)' },
  { port: 5432, name: 'PostgreSQL' },
  { port: 5672, name: 'RabbitMQ' },
  { port: 5678, name: 'Python debugger (debugpy)' },
  { port: 6379, name: 'Redis' },
  { port: 8500, name: 'Consul' },
  { port: 9000, name: 'Portainer' },
  { port: 9092, name: 'Kafka' },
  { port: 9200, name: 'Elasticsearch/OpenSearch' },
  { port: 9229, name: 'Node.js inspector' },
  { port: 9230, name: 'Node.js inspector' },
  { port: 9300, name: 'Elasticsearch/OpenSearch transport' },
  { port: 9443, name: 'Portainer HTTPS' },
  { port: 11211, name: 'Memcached' },
  { port: 15672, name: 'RabbitMQ management' },
  { port: 27017, name: 'MongoDB' },
];

/**
 * Default ports that many applications use, watched only on a service whose image names what listens there; a
 * port listed in the options (as a number or an entry of its own) is watched on every service.
 */
const IMAGE_BOUND: ReadonlyMap<number, RegExp> = new Map([
  [9000, /(^|\/)portainer[^/:@]*(:|@|$)/],
  [9443, /(^|\/)portainer[^/:@]*(:|@|$)/],
]);

export default defineRule<Options>({
  id: 'no-public-datastore-ports',
  category: 'security',
  severity: 'warning',
  description: 'Disallow publishing a datastore, cache, broker or admin port on all host interfaces',
  precision: 'high',
  securitySeverity: 7.5,
  probe: { notProbed: 'exposure to other machines is not probed: probes stay on this machine' },
  // binding to 127.0.0.1 takes the port away from other machines (and from IPv6), which is the point
  fix: 'changes-behaviour',
  messages: {
    compose: 'service "{{service}}" publishes {{what}} on all interfaces {{where}}; anyone who can reach the host can connect to it. ' + 'bind it to 127.0.0.1 ({{fix}}) or remove the mapping if only other containers use it',
    composeOldEngine:
      'service "{{service}}" publishes {{what}} on all interfaces {{where}}; anyone who can reach the host can connect to it. ' +
      'bind it to 127.0.0.1 ({{fix}}) or remove the mapping if only other containers use it; on {{engine}} hosts on the same network segment can still reach ports published on 127.0.0.1, ' +
      'and unpublished container ports by routing to the container address (Docker 28.0 blocks both), so filter them in the DOCKER-USER chain too',
    stack: 'service "{{service}}" publishes {{what}} {{where}}{{ignored}}; anyone who can reach a node can connect to it. ' + 'remove the mapping and reach it over an overlay network',
  },
  options: {
    schema: {
      type: 'object',
      properties: {
        ports: {
          description: 'The container ports to watch, as numbers or { port, name } (the name is used in messages); replaces the default list',
          type: 'array',
          items: {
            oneOf: [
              { type: 'integer', minimum: 1, maximum: 65535 },
              {
                type: 'object',
                properties: { port: { type: 'integer', minimum: 1, maximum: 65535 }, name: { type: 'string', minLength: 1 } },
                required: ['port', 'name'],
                additionalProperties: false,
              },
            ],
          },
        },
      },
      additionalProperties: false,
    },
    defaults: { ports: DEFAULT_PORTS },
  },
  check(graph, context) {
    const defaults = new Map(DEFAULT_PORTS.map((p) => [p.port, p.name]));
    const known = new Map<number, string | undefined>();
    /** ports watched only on images that match */
    const bound = new Map<number, RegExp>();
    for (const entry of context.options.ports) {
      const { port, name } = typeof entry === 'number' ? { port: entry, name: defaults.get(entry) } : entry;
      if (!known.has(port) || known.get(port) === undefined) known.set(port, name);
      // the default list's own entry (not a number or entry the user wrote) keeps its image condition
      if (typeof entry !== 'number' && IMAGE_BOUND.has(port) && name === defaults.get(port)) bound.set(port, IMAGE_BOUND.get(port)!);
      else bound.delete(port);
    }
    const watched = [...known.keys()].sort((a, b) => a - b);
    const stack = graph.model.mode === 'stack';
    for (const service of graph.services.values()) {
      // published ports of a container only on internal networks are not reachable at all (graph.bindings says which);
      // one that may or may not bind (uncertain) counts, as one that may lose its bind (conflict) does
      const reachable = graph.bindings(service.name).filter((a) => a.outcome.kind === 'bound' || a.outcome.kind === 'conflict' || a.outcome.kind === 'uncertain');
      for (const { binding } of reachable) {
        const { start, end } = binding.target.value;
        // the container port says what listens there; the host port is only where it shows up
        const image = service.image && !service.image.unknown ? service.image.value : undefined;
        const hits = watched.filter((p) => p >= start && p <= end && (!bound.has(p) || (image !== undefined && bound.get(p)!.test(image))));
        if (!hits.length) continue;
        const suffix = binding.protocol === 'tcp' ? '' : `/${binding.protocol}`;
        const what = list(hits.map((p) => (known.get(p) === undefined ? `port "${p}${suffix}"` : `the ${known.get(p)} port "${p}${suffix}"`)));
        const published = binding.published?.value;
        const hostPort = published === undefined ? undefined : published.start === published.end ? `${published.start}` : `${published.start}-${published.end}`;
        if (stack) {
          // docker stack deploy has no host_ip: ingress publishes on every node, host mode on every interface of the task's node
          const where = binding.mode === 'host' ? 'on all interfaces of each node running it (mode "host")' : 'through the routing mesh on every node of the swarm';
          const ip = binding.hostIp?.value;
          const ignored = ip && !isWildcard(ip) ? ` (docker stack deploy ignores host_ip "${ip.text}")` : '';
          context.report({ messageId: 'stack', at: blame(binding), service: service.name, data: { service: service.name, what, where, ignored } });
          continue;
        }
        // a network's host_binding_ipv4 moves an entry without host_ip off the wildcard
        const ip = binding.hostIp?.value ?? graph.unaddressedBindIp(service.name)?.value;
        if (ip !== undefined && !isWildcard(ip)) continue;
        const where = hostPort === undefined ? 'on an ephemeral host port' : `as host port "${hostPort}"`;
        const fix = binding.text === undefined ? 'host_ip: "127.0.0.1"' : `"127.0.0.1:${hostPort ?? ''}:${containerPorts(binding)}"`;
        // before Docker 28.0 a loopback binding is not private to the host (fact loopback-ports-host-only, moby/moby#49325)
        const loopbackPrivate = graph.engineHas('loopback-ports-host-only');
        const data = { service: service.name, what, where, fix, ...(loopbackPrivate ? {} : { engine: graph.engine.name }) };
        context.report({ messageId: loopbackPrivate ? 'compose' : 'composeOldEngine', at: blame(binding), service: service.name, data, fix: loopbackFix(binding, hostPort) });
      }
    }
  },
});

/** `0.0.0.0` or `::`: every address of a family. */
function isWildcard(address: Address): boolean {
  return !!address.ip && address.ip.toByteArray().every((byte) => byte === 0);
}

function list(items: string[]): string {
  return items.length === 1 ? items[0] : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function containerPorts(binding: PortBinding): string {
  const { start, end } = binding.target.value;
  const target = start === end ? `${start}` : `${start}-${end}`;
  return binding.protocol === 'tcp' ? target : `${target}/${binding.protocol}`;
}

/**
 * Binds the entry to 127.0.0.1: the short syntax rewritten as `127.0.0.1:HOST:CONTAINER[/proto]` (an
 * ephemeral port keeps an empty HOST), the long syntax's `host_ip` set or added. The fix engine refuses
 * it where the text is not what the model read (an interpolated or aliased entry).
 */
function loopbackFix(binding: PortBinding, hostPort: string | undefined): FixProposal {
  const title = `bind ${hostPort === undefined ? 'the published port' : `host port "${hostPort}"`} to 127.0.0.1`;
  if (binding.text !== undefined) return { title, edits: [{ op: 'set', at: binding.span, value: `127.0.0.1:${hostPort ?? ''}:${containerPorts(binding)}`, expect: binding.text }] };
  if (binding.hostIp) return { title, edits: [{ op: 'set', at: binding.hostIp.span, value: '127.0.0.1', expect: binding.hostIp.value.text }] };
  return { title, edits: [{ op: 'add', in: binding.span, path: ['host_ip'], value: '127.0.0.1' }] };
}

/** The list item for the short syntax; for the long one the wildcard `host_ip`, else `published`, else `target`. */
function blame(binding: PortBinding): Place {
  if (binding.text !== undefined) return binding;
  return binding.hostIp ?? binding.published ?? binding.target;
}
