import type { LoadedProject } from '../source/project';
import type { Span } from '../source/span';
import { get, isMap, isScalar, isSeq, toPlain, type Entry, type MapNode, type Node, type ScalarNode } from '../source/tree';
import { parseAddress, parseCidr } from './address';
import { blockExtents, serviceKeys } from './blocks';
import { narrow } from './narrow';
import { parseDependency, parseDependsOn, parseDns, parseExpose, parseExtraHost, parseLink, parseNetworkMode, parsePortRange, parseShortPort, parseVolume, natRejects, PortSpecError } from '../syntax/compose';
import type { EnvVar, ExposedPort, ExtraHost, IpamConfig, Link, Located, Model, Network, NetworkMode, PortBinding, Protocol, Replicas, Service, ServiceNetwork, Volume } from './types';

/** Entries of an env file the loader read, keyed by absolute path. */
export type EnvFileEntries = Map<string, { key: string; value: string; span: Span; valueSpan: Span }[]>;

/** Normalises a loaded project into the typed, located network model. */
export function buildModel(project: Pick<LoadedProject, 'name' | 'mode' | 'directory' | 'files' | 'root'> & Partial<Pick<LoadedProject, 'inactiveServices'>>, envFiles: EnvFileEntries = new Map()): Model {
  const services = new Map<string, Service>();
  const servicesNode = get(project.root, 'services');
  if (isMap(servicesNode)) {
    for (const e of servicesNode.entries.values()) if (isMap(e.value)) services.set(e.key, buildService(e, e.value, envFiles, project.mode === 'stack'));
  }
  const networks = new Map<string, Network>();
  const networksNode = get(project.root, 'networks');
  if (isMap(networksNode)) {
    for (const e of networksNode.entries.values()) networks.set(e.key, buildNetwork(e, project.name, project.mode));
  }
  const usesDefault = [...services.values()].some((s) => s.networks.some((n) => n.name === 'default'));
  if (usesDefault && !networks.has('default')) {
    networks.set('default', emptyNetwork('default', `${project.name}_default`, project.mode === 'stack' ? 'overlay' : 'bridge'));
  }
  const inactiveServices = new Map<string, Service>();
  for (const e of project.inactiveServices ?? []) if (isMap(e.value)) inactiveServices.set(e.key, buildService(e, e.value, envFiles, project.mode === 'stack'));
  return { name: project.name, mode: project.mode, directory: project.directory, files: project.files, services, networks, inactiveServices };
}

/** `value` located at `node` (at `span` instead, a part of its scalar, when given), with its origin and unknown flag. */
function located<T>(node: Node, value: T, span: Span = node.span): Located<T> {
  const out: Located<T> = { value, span };
  if (node.origin) out.origin = node.origin;
  if (isScalar(node) && node.unknown) out.unknown = true;
  return out;
}

/**
 * `v` with another value: the same span, origin and unknown flag. Built field by field, never as `{ ...v, value }`:
 * V8 (Node 20) gives each object whose literal starts with a spread a hidden class of its own, and the graph holds
 * hundreds of thousands of these (measured: one class per object, 35 MiB of classes at 10,000 services).
 */
function relocated<T, U>(v: Located<T>, value: U): Located<U> {
  const out: Located<U> = { value, span: v.span };
  if (v.origin) out.origin = v.origin;
  if (v.unknown) out.unknown = true;
  return out;
}

function text(node: Node | undefined): Located<string> | undefined {
  return isScalar(node) && node.value !== null ? located(node, String(node.value)) : undefined;
}

function bool(node: Node | undefined): Located<boolean> | undefined {
  if (!isScalar(node) || node.value === null) return undefined;
  const value = node.value === true || node.value === 'true' || node.value === 'True' || node.value === 'TRUE';
  return located(node, value);
}

function num(node: Node | undefined): Located<number> | undefined {
  if (!isScalar(node) || node.value === null || node.value === '') return undefined;
  const value = Number(node.value);
  return Number.isFinite(value) ? located(node, value) : undefined;
}

function texts(node: Node | undefined): Located<string>[] {
  // filter, then map: the model keeps the list, which map allocates to size (flatMap or push reserve 17 slots)
  if (isSeq(node)) return node.items.filter((n): n is ScalarNode => isScalar(n) && n.value !== null).map((n) => located(n, String(n.value)));
  const single = text(node);
  return single ? [single] : [];
}

/**
 * A string_or_list value read by its syntax parser (parseDns, parseDependsOn's short form), each text located at its
 * item: the parsers keep exactly the scalar, non-null items, as texts() does, so the two lists pair up by index.
 */
function stringOrList(node: Node | undefined, parse: (value: unknown) => string[]): Located<string>[] {
  const items = texts(node);
  const values = node ? parse(toPlain(node)) : [];
  return items.map((item, i) => relocated(item, values[i]));
}

/** `depends_on` (parseDependsOn, parseDependency): each service located at its long-form key or short-form item. */
function dependsOn(node: Node | undefined): Located<string>[] {
  if (isMap(node)) return [...node.entries.values()].map((e) => ({ value: parseDependency(e.key, toPlain(e.value)).service, span: e.keySpan }));
  return stringOrList(node, (value) => parseDependsOn(value).map((d) => d.service));
}

/** `[K=V, ...]` or `{K: V}` as entries with the key's span and, where present, the value's. */
function keyValues(node: Node | undefined, separator = '='): { key: string; keySpan: Span; value?: Located<string> }[] {
  if (isMap(node)) {
    return [...node.entries.values()].map((e) => ({ key: e.key, keySpan: e.keySpan, value: text(e.value) }));
  }
  if (!isSeq(node)) return [];
  return node.items.flatMap((item) => {
    if (!isScalar(item) || item.value === null) return [];
    const whole = String(item.value);
    const at = whole.indexOf(separator);
    if (at < 0) return [{ key: whole, keySpan: item.span }];
    return [{ key: whole.slice(0, at), keySpan: item.span, value: located(item, whole.slice(at + 1), subSpan(item, whole.slice(0, at + 1).length, whole.length)) }];
  });
}

/** The span of characters [from, to) of a one-line scalar's value, when the text on the line is the value itself (plain or quoted). */
export function subSpan(node: ScalarNode, from: number, to: number): Span {
  // text that interpolation changed is not the text on the line
  return node.raw !== undefined ? node.span : narrow(located(node, String(node.value)), from, to);
}

function networkMode(node: Node | undefined): Located<NetworkMode> | undefined {
  const value = text(node);
  if (!value) return undefined;
  return relocated(value, parseNetworkMode(value.value));
}

/** What most services have, shared by them (the graph freezes it). */
const ONE_REPLICA: Replicas = Object.freeze({ count: 1, global: false });

function replicas(service: MapNode): Replicas {
  const deploy = get(service, 'deploy');
  const mode = text(get(deploy, 'mode'));
  if (mode && (mode.value === 'global' || mode.value === 'global-job')) return { count: undefined, global: true, span: mode.span };
  const node = get(deploy, 'replicas') ?? get(service, 'scale');
  if (!node) return ONE_REPLICA;
  const n = num(node);
  return { count: n && !n.unknown ? n.value : undefined, global: false, span: node.span };
}

function buildService(entry: Entry, node: MapNode, envFiles: EnvFileEntries, stack: boolean): Service {
  const name = entry.key;
  const mode = networkMode(get(node, 'network_mode'));
  const deploy = get(node, 'deploy');
  const provider = text(get(get(node, 'provider'), 'type'));
  const healthTest = get(get(node, 'healthcheck'), 'test');
  const envFilesOf = texts(get(node, 'env_file')).concat(envFilePaths(get(node, 'env_file')));
  const service: Service = {
    name,
    span: entry.keySpan,
    keys: serviceKeys(node),
    block: blockExtents(entry.keySpan, node),
    replicas: replicas(node),
    networkMode: mode,
    // a provider service runs no container, so it has no endpoint on any network (Compose's provider services)
    networks: provider ? [] : serviceNetworks(entry, node, mode, stack),
    ports: isSeq(get(node, 'ports')) ? (get(node, 'ports') as { items: Node[] }).items.map(portBinding) : [],
    expose: isSeq(get(node, 'expose')) ? (get(node, 'expose') as { items: Node[] }).items.map(exposed) : [],
    links: links(get(node, 'links')),
    externalLinks: links(get(node, 'external_links')),
    dependsOn: dependsOn(get(node, 'depends_on')),
    hostname: text(get(node, 'hostname')),
    domainname: text(get(node, 'domainname')),
    containerName: text(get(node, 'container_name')),
    dns: stringOrList(get(node, 'dns'), parseDns).map((d) => relocated(d, parseAddress(d.value))),
    dnsSearch: texts(get(node, 'dns_search')),
    extraHosts: extraHosts(get(node, 'extra_hosts')),
    environment: environment(get(node, 'environment'), envFilesOf, envFiles),
    envFiles: envFilesOf,
    command: texts(get(node, 'command')),
    healthcheck: texts(healthTest).filter((t) => !['CMD', 'CMD-SHELL', 'NONE'].includes(t.value)),
    volumes: isSeq(get(node, 'volumes')) ? (get(node, 'volumes') as { items: Node[] }).items.map(volume) : [],
    capAdd: texts(get(node, 'cap_add')),
    privileged: bool(get(node, 'privileged')),
    useApiSocket: bool(get(node, 'use_api_socket')),
    ...(provider ? { provider } : {}),
    macAddress: text(get(node, 'mac_address')),
    endpointMode: text(get(deploy, 'endpoint_mode')),
    maxReplicasPerNode: num(get(get(deploy, 'placement'), 'max_replicas_per_node')),
    build: get(node, 'build') ? entryOf(node, 'build')?.keySpan : undefined,
    profiles: texts(get(node, 'profiles')).map((p) => p.value),
  };
  const image = get(node, 'image');
  if (isScalar(image) && (image.unknown || (image.value !== null && image.value !== '')))
    service.image = { value: image.unknown ? (image.raw ?? String(image.value ?? '')) : String(image.value), span: image.span, ...(image.origin ? { origin: image.origin } : {}), ...(image.unknown ? { unknown: true } : {}) };
  return service;
}

function entryOf(node: MapNode, key: string): Entry | undefined {
  return node.entries.get(key);
}

function envFilePaths(node: Node | undefined): Located<string>[] {
  const items = isSeq(node) ? node.items : [];
  return items.flatMap((item) => (isMap(item) ? texts(get(item, 'path')) : []));
}

/** `ignoresNetworkMode`: `docker stack deploy` ignores network_mode, so a stack service is on the default network regardless. */
function serviceNetworks(entry: Entry, node: MapNode, mode: Located<NetworkMode> | undefined, ignoresNetworkMode: boolean): ServiceNetwork[] {
  const networks = get(node, 'networks');
  const empty = (name: string, span: Span, origin?: Span): ServiceNetwork => {
    // field by field, as relocated: origin last, so that the other fields keep their places in every attachment
    const out: ServiceNetwork = { name, span, implicit: false, aliases: [], linkLocalIps: [] };
    if (origin) out.origin = origin;
    return out;
  };
  // compose-go: an empty `networks` means the default network, like no `networks` at all
  const listed = isSeq(networks) ? networks.items.length : isMap(networks) ? networks.entries.size : 0;
  if (isSeq(networks) && listed > 0) {
    return networks.items.filter((item): item is ScalarNode => isScalar(item) && item.value !== null).map((item) => empty(String(item.value), item.span, item.origin));
  }
  if (isMap(networks) && listed > 0) {
    return [...networks.entries.values()].map((e) => {
      const v = e.value;
      // one literal with the fields every attachment has: a field added later goes to a separate property store
      const attachment: ServiceNetwork = {
        name: e.key,
        span: e.keySpan,
        implicit: false,
        aliases: texts(get(v, 'aliases')),
        linkLocalIps: texts(get(v, 'link_local_ips')).map((l) => relocated(l, parseAddress(l.value))),
        macAddress: text(get(v, 'mac_address')),
        priority: num(get(v, 'priority')),
        gwPriority: num(get(v, 'gw_priority')),
        interfaceName: text(get(v, 'interface_name')),
      };
      if (e.keyOrigin) attachment.origin = e.keyOrigin;
      const v4 = text(get(v, 'ipv4_address'));
      if (v4) attachment.ipv4Address = relocated(v4, parseAddress(v4.value));
      const v6 = text(get(v, 'ipv6_address'));
      if (v6) attachment.ipv6Address = relocated(v6, parseAddress(v6.value));
      return attachment;
    });
  }
  if (mode && !ignoresNetworkMode) return [];
  const implicit = empty('default', entry.keySpan);
  implicit.implicit = true;
  return [implicit];
}

/** `fields` placed at a list item: its span first, then its origin if an alias brought it in (field by field, as relocated). */
function atItem<T extends object>(item: Node, fields: T): T & { span: Span; origin?: Span } {
  const out: T & { span: Span; origin?: Span } = { span: item.span, ...fields };
  if (item.origin) out.origin = item.origin;
  return out;
}

function portBinding(item: Node): PortBinding {
  if (isScalar(item)) {
    const raw = String(item.value ?? '');
    const fallback: PortBinding = atItem(item, { text: raw, target: { value: { start: 0, end: 0 }, span: item.span }, protocol: 'tcp', mode: 'ingress' as const, unknown: !!item.unknown });
    if (item.unknown) return fallback;
    try {
      const p = parseShortPort(raw);
      const colon = raw.lastIndexOf(':');
      const binding: PortBinding = atItem(item, { text: raw, target: { value: p.target, span: item.span }, protocol: p.protocol, mode: 'ingress' as const, unknown: false });
      if (p.hostIp !== undefined) binding.hostIp = { value: parseAddress(p.hostIp), span: item.span };
      if (p.published) binding.published = { value: p.published, span: item.span };
      if (colon >= 0) binding.target.span = subSpan(item, colon + 1, raw.length);
      return binding;
    } catch (error) {
      const refusal = error instanceof PortSpecError ? error.refusal : undefined;
      fallback.invalid = (error as Error).message;
      if (refusal !== undefined) fallback.refusal = refusal;
      return fallback;
    }
  }
  const target = get(item, 'target');
  const published = get(item, 'published');
  const targetRange = target !== undefined ? parsePortRange(String((target as ScalarNode).value ?? '')) : undefined;
  const protocol = (text(get(item, 'protocol'))?.value ?? 'tcp').toLowerCase() as Protocol;
  const binding: PortBinding = atItem(item, {
    target: { value: targetRange ?? { start: 0, end: 0 }, span: target?.span ?? item.span },
    protocol,
    mode: text(get(item, 'mode'))?.value === 'host' ? 'host' : 'ingress',
    ...(isScalar(get(item, 'mode')) ? { modeValue: located(get(item, 'mode')!, String((get(item, 'mode') as ScalarNode).value ?? '')) } : {}),
    unknown: [target, published, get(item, 'host_ip')].some((n) => isScalar(n) && n.unknown),
  });
  if (!targetRange && !binding.unknown) binding.invalid = target ? `"${String((target as ScalarNode).value)}" is not a container port` : 'a long-syntax port needs a "target"';
  const hostIp = text(get(item, 'host_ip'));
  if (hostIp && hostIp.value !== '') binding.hostIp = relocated(hostIp, parseAddress(hostIp.value));
  if (isScalar(published) && published.value !== null && published.value !== '') {
    const range = parsePortRange(String(published.value));
    if (range) binding.published = located(published, range);
    else if (!published.unknown) {
      binding.invalid = `"${String(published.value)}" is not a host port or range`;
      if (natRejects(String(published.value))) binding.refusal = `invalid port specification: "${String(published.value)}"`;
    }
  }
  return binding;
}

function exposed(item: Node): ExposedPort {
  const raw = isScalar(item) ? String(item.value ?? '') : '';
  const parsed = parseExpose(raw);
  const out: ExposedPort = { span: item.span, ports: parsed?.ports ?? { start: 0, end: 0 }, protocol: parsed?.protocol ?? 'tcp', unknown: isScalar(item) && !!item.unknown };
  if (item.origin) out.origin = item.origin;
  if (!parsed && !out.unknown) out.invalid = `"${raw}" is not a port or port range`;
  return out;
}

function links(node: Node | undefined): Link[] {
  return texts(node).map((l) => {
    const { service, alias } = parseLink(l.value);
    return { service, alias, span: l.span, ...(l.origin ? { origin: l.origin } : {}) };
  });
}

function extraHosts(node: Node | undefined): ExtraHost[] {
  const out: ExtraHost[] = [];
  if (isMap(node)) {
    for (const e of node.entries.values()) {
      for (const v of texts(e.value)) out.push({ host: e.key, address: relocated(v, v.value === 'host-gateway' ? ('host-gateway' as const) : parseAddress(v.value)), span: e.keySpan });
    }
    return out;
  }
  if (!isSeq(node)) return out;
  for (const item of node.items) {
    if (!isScalar(item) || item.value === null) continue;
    const whole = String(item.value);
    const { host, addresses } = parseExtraHost(whole);
    for (const { address: addressText, start, end } of addresses) {
      const address = located(item, addressText === 'host-gateway' ? ('host-gateway' as const) : parseAddress(addressText), subSpan(item, start, end));
      out.push({ host, address, span: item.span });
    }
  }
  return out;
}

function environment(node: Node | undefined, files: Located<string>[], envFiles: EnvFileEntries): EnvVar[] {
  const fromFiles: EnvVar[] = [];
  for (const file of files) {
    for (const e of envFiles.get(file.value) ?? []) fromFiles.push({ name: e.key, value: { value: e.value, span: e.valueSpan }, span: e.span, from: 'env_file' });
  }
  // concat and map allocate the list the model keeps to size
  return fromFiles.concat(keyValues(node).map((kv): EnvVar => ({ name: kv.key, value: kv.value, span: kv.keySpan, from: 'environment' })));
}

function volume(item: Node): Volume {
  if (isScalar(item)) {
    const spec = String(item.value ?? '');
    const parsed = parseVolume(spec);
    if (!parsed) return atItem(item, { type: 'volume', target: spec, readOnly: false });
    return atItem(item, { type: parsed.type, ...(parsed.source !== undefined ? { source: parsed.source } : {}), target: parsed.target, readOnly: parsed.readOnly });
  }
  return atItem(item, {
    type: text(get(item, 'type'))?.value ?? 'volume',
    source: text(get(item, 'source'))?.value,
    target: text(get(item, 'target'))?.value,
    readOnly: bool(get(item, 'read_only'))?.value ?? false,
  });
}

function emptyNetwork(name: string, dockerName: string, driver: string): Network {
  return { name, dockerName, declared: false, driver, driverOpts: new Map(), ipam: [], labels: new Map(), keys: new Map() };
}

function buildNetwork(entry: Entry, project: string, mode: 'compose' | 'stack'): Network {
  const node = entry.value;
  const external = bool(get(node, 'external')) ?? (isMap(get(node, 'external')) ? { value: true, span: get(node, 'external')!.span } : undefined);
  const explicitName = text(get(node, 'name'))?.value ?? (isMap(get(node, 'external')) ? text(get(get(node, 'external'), 'name'))?.value : undefined);
  const driver = text(get(node, 'driver'));
  const network = emptyNetwork(entry.key, explicitName ?? (external?.value ? entry.key : `${project}_${entry.key}`), driver?.value ?? (mode === 'stack' ? 'overlay' : 'bridge'));
  network.span = entry.keySpan;
  network.declared = true;
  network.driverSpan = driver?.span;
  if (driver?.origin) network.driverOrigin = driver.origin;
  if (driver?.unknown) network.driverUnknown = true;
  if (isMap(node)) for (const e of node.entries.values()) network.keys.set(e.key, e.keySpan);
  const opts = get(node, 'driver_opts');
  if (isMap(opts)) for (const e of opts.entries.values()) network.driverOpts.set(e.key, text(e.value) ?? { value: '', span: e.keySpan });
  network.external = external;
  network.internal = bool(get(node, 'internal'));
  network.attachable = bool(get(node, 'attachable'));
  network.enableIpv4 = bool(get(node, 'enable_ipv4'));
  network.enableIpv6 = bool(get(node, 'enable_ipv6'));
  const ipam = get(node, 'ipam');
  network.ipamDriver = text(get(ipam, 'driver'));
  const configs = get(ipam, 'config');
  if (isSeq(configs)) network.ipam = configs.items.filter(isMap).map(ipamConfig);
  for (const kv of keyValues(get(node, 'labels'))) network.labels.set(kv.key, kv.value?.value ?? '');
  return network;
}

function ipamConfig(node: MapNode): IpamConfig {
  const config: IpamConfig = { span: node.span, auxAddresses: [] };
  const subnet = text(get(node, 'subnet'));
  if (subnet) config.subnet = relocated(subnet, parseCidr(subnet.value));
  const ipRange = text(get(node, 'ip_range'));
  if (ipRange) config.ipRange = relocated(ipRange, parseCidr(ipRange.value));
  const gateway = text(get(node, 'gateway'));
  if (gateway) config.gateway = relocated(gateway, parseAddress(gateway.value));
  const aux = get(node, 'aux_addresses');
  if (isMap(aux)) {
    for (const e of aux.entries.values()) {
      const v = text(e.value);
      if (v) config.auxAddresses.push({ name: e.key, address: relocated(v, parseAddress(v.value)) });
    }
  }
  return config;
}
