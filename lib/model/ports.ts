import type { PortRange, Protocol } from './types';

export interface ShortPort {
  hostIp?: string;
  published?: PortRange;
  target: PortRange;
  protocol: Protocol;
}

const PROTOCOLS = new Set(['tcp', 'udp', 'sctp']);

/** Parses `1000` or `1000-1010`; undefined when it is not a port or range of ports 1-65535 (0 allowed for `published` only by Docker as "any"). */
export function parsePortRange(text: string): PortRange | undefined {
  const match = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text.trim());
  if (!match) return undefined;
  const start = Number(match[1]);
  const end = match[2] === undefined ? start : Number(match[2]);
  if (start < 1 || end > 65535 || end < start) return undefined;
  return { start, end };
}

/** Parses the short port syntax `[[HOST_IP:]HOST_PORT:]CONTAINER_PORT[/PROTOCOL]` as Docker's nat.ParsePortSpec does. Throws a message when invalid. */
export function parseShortPort(text: string): ShortPort {
  let raw = text.trim();
  let protocol: Protocol = 'tcp';
  const slash = raw.lastIndexOf('/');
  if (slash >= 0) {
    const proto = raw.slice(slash + 1).toLowerCase();
    if (!PROTOCOLS.has(proto)) throw new Error(`unknown protocol "${raw.slice(slash + 1)}" (use tcp, udp or sctp)`);
    protocol = proto as Protocol;
    raw = raw.slice(0, slash);
  }
  let hostIp: string | undefined;
  let host: string | undefined;
  let container: string;
  const bracket = /^\[([^\]]*)\]:(.*)$/.exec(raw);
  if (bracket) {
    hostIp = bracket[1];
    const rest = bracket[2].split(':');
    if (rest.length !== 2) throw new Error('expected "[IP]:HOST_PORT:CONTAINER_PORT"');
    [host, container] = rest;
  } else {
    const parts = raw.split(':');
    container = parts[parts.length - 1];
    if (parts.length === 2) host = parts[0];
    if (parts.length >= 3) {
      hostIp = parts.slice(0, -2).join(':');
      host = parts[parts.length - 2];
    }
  }
  const target = parsePortRange(container);
  if (!target) throw new Error(`"${container}" is not a container port or port range (1-65535)`);
  let published: PortRange | undefined;
  if (host !== undefined && host !== '') {
    published = parsePortRange(host);
    if (!published) throw new Error(`"${host}" is not a host port or port range (1-65535)`);
    const hostCount = published.end - published.start;
    const targetCount = target.end - target.start;
    if (targetCount > 0 && hostCount !== targetCount) throw new Error(`host range "${host}" and container range "${container}" differ in size`);
  }
  return { hostIp: hostIp === '' ? undefined : hostIp, published, target, protocol };
}

/**
 * How many ports of a binding's host range one container binds: every one when the container side
 * is a range too (paired port for port, as nat.ParsePortSpec pairs them: `-p 44990-44999:80-89`
 * binds 44990->80 up to 44999->89), and one when a host range is given for one container port.
 * That one is the next free port after the last one the engine's allocator handed out for the same
 * range, address and protocol (libnetwork's portallocator, findPort: round-robin from the range's
 * start, remembered for the daemon's lifetime). Checked on Docker 20.10: on a fresh range three
 * `-p 44980-44989:80` containers bound 44980, 44981 and 44982, and later runs went on from there,
 * so which port a container gets is known only once it has started.
 */
export function hostPortsPerContainer(published: PortRange, target: PortRange): number {
  return target.end > target.start ? published.end - published.start + 1 : 1;
}
