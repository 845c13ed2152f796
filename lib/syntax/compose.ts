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
 * Why a short port spec is not one: `message` in this project's words, `refusal` the error Compose (compose-go
 * types.ParsePortConfig) and docker stack deploy get from docker/go-connections' nat.ParsePortSpec for it, when
 * that parser rejects it too ("invalid hostPort: 80800", "invalid containerPort: abc", "invalid proto: tcpx",
 * "invalid ranges specified for container and host Ports: 80-81 and 8080").
 */
export class PortSpecError extends Error {
  readonly refusal?: string;
  constructor(message: string, refusal?: string) {
    super(message);
    if (refusal !== undefined) this.refusal = refusal;
  }
}

/** Whether go-connections' nat.ParsePortRange (which Compose and the engine use) rejects a port or range: not digits, above 65535, or a range running backwards (it accepts 0). */
export function natRejects(text: string): boolean {
  const match = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!match) return true;
  const start = Number(match[1]);
  const end = match[2] === undefined ? start : Number(match[2]);
  return end > 65535 || end < start;
}

/**
 * Parses the short port syntax `[[HOST_IP:]HOST_PORT:]CONTAINER_PORT[/PROTOCOL]` as Docker's nat.ParsePortSpec does
 * (an IPv6 host IP in brackets, or bare with its colons). Returns the parts; throws a PortSpecError whose message says
 * what is wrong when the text is not a port spec.
 */
export function parseShortPort(text: string): ShortPort {
  let raw = text.trim();
  let protocol: Protocol = 'tcp';
  const slash = raw.lastIndexOf('/');
  if (slash >= 0) {
    const proto = raw.slice(slash + 1).toLowerCase();
    if (!PROTOCOLS.has(proto)) throw new PortSpecError(`unknown protocol "${raw.slice(slash + 1)}" (use tcp, udp or sctp)`, `invalid proto: ${raw.slice(slash + 1)}`);
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
    if (rest.length !== 2) throw new PortSpecError('expected "[IP]:HOST_PORT:CONTAINER_PORT"');
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
  if (!target) throw new PortSpecError(`"${container}" is not a container port or port range (1-65535)`, natRejects(container) ? `invalid containerPort: ${container}` : undefined);
  let published: PortRange | undefined;
  if (host !== undefined && host !== '') {
    published = parsePortRange(host);
    if (!published) throw new PortSpecError(`"${host}" is not a host port or port range (1-65535)`, natRejects(host) ? `invalid hostPort: ${host}` : undefined);
    const hostCount = published.end - published.start;
    const targetCount = target.end - target.start;
    if (targetCount > 0 && hostCount !== targetCount) throw new PortSpecError(`host range "${host}" and container range "${container}" differ in size`, `invalid ranges specified for container and host Ports: ${container} and ${host}`);
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

/** One `depends_on` entry, as compose-go's types.ServiceDependency (types.DependsOnConfig maps services to these). */
export interface ServiceDependency {
  service: string;
  /** `service_started`, `service_healthy` or `service_completed_successfully`, as written (the schema checks the set). */
  condition: string;
  /** Restart this service when the dependency is updated. */
  restart: boolean;
  /** false: Compose only warns when the dependency is missing or fails to start. */
  required: boolean;
}

/**
 * Parses one `depends_on` entry: a short-form list item (`service` alone), or a long-form mapping key with its value
 * `{condition, restart, required}`. Absent fields take compose-go's defaults (transform/dependson.go: condition
 * `service_started`, required `true`; restart `false` as Go's zero value); a field of the wrong type (a schema error)
 * does too. Booleans may be YAML booleans or the strings `true`/`false` interpolation leaves.
 */
export function parseDependency(service: string, config?: unknown): ServiceDependency {
  const fields = typeof config === 'object' && config !== null && !Array.isArray(config) ? (config as Record<string, unknown>) : {};
  const condition = typeof fields.condition === 'string' ? fields.condition : 'service_started';
  return { service, condition, restart: booleanOr(fields.restart, false), required: booleanOr(fields.required, true) };
}

/**
 * Parses `depends_on` (compose-go types.DependsOnConfig) from its plain value: a list of service names (the short
 * form), a mapping of service names to `{condition, restart, required}` (the long form, in mapping order), or a single
 * name. List items that are null or not scalars are skipped (the schema reports them); numbers are read as text.
 */
export function parseDependsOn(value: unknown): ServiceDependency[] {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return Object.entries(value).map(([service, config]) => parseDependency(service, config));
  return stringOrList(value).map((service) => parseDependency(service));
}

/**
 * Parses `dns` (the schema's string_or_list): one address or a list of them, as text (the model parses the address).
 * Null items and items that are not scalars are skipped (the schema reports them); numbers and booleans are read as text.
 */
export function parseDns(value: unknown): string[] {
  return stringOrList(value);
}

/** A scalar or a list of scalars, as text; null and non-scalar items are left out. */
function stringOrList(value: unknown): string[] {
  const scalar = (v: unknown): v is string | number | boolean => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
  if (Array.isArray(value)) return value.filter(scalar).map(String);
  return scalar(value) ? [String(value)] : [];
}

/** A YAML boolean, or the text `true`/`false` in any of YAML 1.1's three casings; otherwise `fallback`. */
function booleanOr(value: unknown, fallback: boolean): boolean {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'True' || value === 'TRUE') return true;
  if (value === 'false' || value === 'False' || value === 'FALSE') return false;
  return fallback;
}
