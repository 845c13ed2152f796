/**
 * The Compose micro-syntaxes, each parsed here once and formatted here once, as compose-go keeps one
 * parse/format pair per syntax (its `format` package, and docker/go-connections' nat.ParsePortSpec for ports).
 * Pure functions over strings: no tree, no spans, no Docker; lib/source and lib/model both read them.
 */

export interface PortRange {
  start: number;
  end: number;
}

export type Protocol = 'tcp' | 'udp' | 'sctp';

const PROTOCOLS = new Set(['tcp', 'udp', 'sctp']);

/** Parses `1000` or `1000-1010`; undefined when it is not a port or range of ports 1-65535. */
export function parsePortRange(text: string): PortRange | undefined {
  const match = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text.trim());
  if (!match) return undefined;
  const start = Number(match[1]);
  const end = match[2] === undefined ? start : Number(match[2]);
  if (start < 1 || end > 65535 || end < start) return undefined;
  return { start, end };
}

/** `8080`, or `8000-8010` for a range. */
export function formatPortRange(range: PortRange): string {
  return range.start === range.end ? String(range.start) : `${range.start}-${range.end}`;
}

export interface ShortPort {
  hostIp?: string;
  published?: PortRange;
  target: PortRange;
  protocol: Protocol;
}

/**
 * Parses the short port syntax `[[HOST_IP:]HOST_PORT:]CONTAINER_PORT[/PROTOCOL]` as Docker's nat.ParsePortSpec does
 * (an IPv6 host IP in brackets, or bare with its colons). Returns the parts; throws an Error whose message says
 * what is wrong when the text is not a port spec.
 */
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
 * Formats a port in the short syntax: `[HOST_IP:][PUBLISHED:]TARGET[/PROTOCOL]`, an IPv6 host IP in brackets;
 * `/tcp` only when `protocol: 'always'` asks for it (tcp is the default Docker assumes).
 */
export function formatShortPort(port: ShortPort, options: { protocol?: 'always' | 'non-default' } = {}): string {
  const ip = port.hostIp === undefined ? '' : port.hostIp.includes(':') ? `[${port.hostIp}]:` : `${port.hostIp}:`;
  const published = port.published ? `${formatPortRange(port.published)}:` : ip ? ':' : '';
  const proto = port.protocol !== 'tcp' || options.protocol === 'always' ? `/${port.protocol}` : '';
  return `${ip}${published}${formatPortRange(port.target)}${proto}`;
}

/** Parses an `expose` entry, `PORT[-END][/PROTOCOL]`; undefined when the ports are not a port or range. */
export function parseExpose(text: string): { ports: PortRange; protocol: Protocol } | undefined {
  const [ports, proto = 'tcp'] = text.split('/');
  const range = parsePortRange(ports);
  return range ? { ports: range, protocol: proto.toLowerCase() as Protocol } : undefined;
}

/** Formats an `expose` entry: `9100`, `9100-9110/udp`. */
export function formatExpose(expose: { ports: PortRange; protocol: Protocol }): string {
  return `${formatPortRange(expose.ports)}${expose.protocol === 'tcp' ? '' : `/${expose.protocol}`}`;
}

export interface ShortVolume {
  /** absent for an anonymous volume */
  source?: string;
  target: string;
  /** `bind` when the source is a path (`.`, `/`, `~`, `\\`, a Windows drive `C:`), else `volume` */
  type: 'bind' | 'volume';
  readOnly: boolean;
}

/**
 * Parses the short volume syntax `[SOURCE:]TARGET[:OPTIONS]` as compose-go's format.ParseVolume does: a colon
 * right after a single letter is a Windows drive (`C:\data:/data`), not a separator; one or two characters are a
 * target alone. Returns undefined for an empty spec, an empty section or too many colons (compose-go's errors).
 */
export function parseVolume(spec: string): ShortVolume | undefined {
  if (spec.length === 0) return undefined;
  if (spec.length <= 2) return { target: spec, type: 'volume', readOnly: false };
  const sections: string[] = [];
  let buffer = '';
  for (const char of spec) {
    if (char === ':' && !(buffer.length === 1 && /\p{L}/u.test(buffer))) {
      sections.push(buffer);
      buffer = '';
    } else buffer += char;
  }
  sections.push(buffer);
  if (sections.some((s) => s.length === 0) || sections.length > 3) return undefined;
  if (sections.length === 1) return { target: sections[0], type: 'volume', readOnly: false };
  const [source, target, options = ''] = sections;
  const readOnly = options.split(',').reduce((ro, option) => (option === 'ro' ? true : option === 'rw' ? false : ro), false);
  return { source, target, type: isFilePath(source) ? 'bind' : 'volume', readOnly };
}

/** compose-go's isFilePath: `.`, `/`, `~`, a `\\` named pipe or UNC path, or a Windows drive letter and colon. */
function isFilePath(source: string): boolean {
  return /^[./~]/.test(source) || source.startsWith('\\\\') || /^\p{L}:/u.test(source);
}

/** Formats a short volume spec: `SOURCE:TARGET[:ro]`, or the target alone for an anonymous volume. */
export function formatVolume(volume: Pick<ShortVolume, 'source' | 'target' | 'readOnly'>): string {
  return `${volume.source === undefined ? '' : `${volume.source}:`}${volume.target}${volume.readOnly ? ':ro' : ''}`;
}

/** One address of an `extra_hosts` entry: its text (brackets stripped) and where it stands in the entry (end exclusive). */
export interface ExtraHostAddress {
  address: string;
  start: number;
  end: number;
}

/**
 * Splits an `extra_hosts` list entry: `HOST=ADDRESS` (current) or `HOST:ADDRESS` (older; the address may have
 * colons of its own); several addresses separated by commas, each possibly in brackets (compose-go
 * types/hostList.go NewHostsList and cleanup). Without a separator the whole entry is one empty address.
 */
export function parseExtraHost(text: string): { host: string; addresses: ExtraHostAddress[] } {
  const sep = text.includes('=') ? text.indexOf('=') : text.indexOf(':');
  if (sep < 0) return { host: text, addresses: [{ address: '', start: 0, end: text.length }] };
  const addresses: ExtraHostAddress[] = [];
  let start = sep + 1;
  for (const part of text.slice(sep + 1).split(',')) {
    const address = part.length > 2 && part.startsWith('[') && part.endsWith(']') ? part.slice(1, -1) : part;
    addresses.push({ address, start, end: start + part.length });
    start += part.length + 1;
  }
  return { host: text.slice(0, sep), addresses };
}

/** Formats an `extra_hosts` list entry in the current syntax, `HOST=ADDRESS`. */
export function formatExtraHost(entry: { host: string; address: string }): string {
  return `${entry.host}=${entry.address}`;
}

/** Parses a `links` entry, `SERVICE[:ALIAS]`; the alias defaults to the service. */
export function parseLink(text: string): { service: string; alias: string } {
  const [service, alias = service] = text.split(':');
  return { service, alias };
}

/** Formats a `links` entry: `SERVICE`, or `SERVICE:ALIAS` when the alias differs. */
export function formatLink(link: { service: string; alias: string }): string {
  return link.alias === link.service ? link.service : `${link.service}:${link.alias}`;
}

export type NetworkModeKind = 'bridge' | 'host' | 'none' | 'service' | 'container' | 'network';

export interface NetworkMode {
  kind: NetworkModeKind;
  /** the service or container for `service:`/`container:`, the network for a named network */
  target?: string;
}

/** Parses `network_mode`: `bridge`, `host`, `none`, `service:NAME`, `container:NAME`, or a network's name. */
export function parseNetworkMode(text: string): NetworkMode {
  if (text === 'host' || text === 'none' || text === 'bridge') return { kind: text };
  if (text.startsWith('service:')) return { kind: 'service', target: text.slice(8) };
  if (text.startsWith('container:')) return { kind: 'container', target: text.slice(10) };
  return { kind: 'network', target: text };
}

/** Formats `network_mode` as written: `host`, `service:web`, a network's name. */
export function formatNetworkMode(mode: NetworkMode): string {
  return mode.kind === 'service' || mode.kind === 'container' ? `${mode.kind}:${mode.target}` : mode.kind === 'network' ? mode.target! : mode.kind;
}
