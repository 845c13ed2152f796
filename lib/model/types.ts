import type { IPv4, IPv6 } from 'ipaddr.js';
import type { Mode } from '../source/project';
import type { Span } from '../source/span';

/** A value from the project with the span that produced it (`origin`: where its text is, when an alias or merge key moved it). */
export interface Located<T> {
  value: T;
  span: Span;
  origin?: Span;
  /** an interpolated variable was unset: the value is not known before run time */
  unknown?: boolean;
}

export type Family = 'ipv4' | 'ipv6';

/** An IP address as written; `ip` is absent when the text is not a valid address. */
export interface Address {
  text: string;
  ip?: IPv4 | IPv6;
  family?: Family;
}

/** A CIDR as written; `range` is absent when the text is not a valid CIDR. */
export interface Cidr {
  text: string;
  range?: [IPv4 | IPv6, number];
  family?: Family;
}

import type { NetworkMode, PortRange, Protocol } from '../syntax/compose';

export type { NetworkMode, NetworkModeKind, PortRange, Protocol } from '../syntax/compose';

export interface PortBinding {
  /** the list item */
  span: Span;
  origin?: Span;
  /** short syntax text, or undefined for the long syntax */
  text?: string;
  /** undefined: all interfaces of both families */
  hostIp?: Located<Address>;
  /** undefined: ephemeral host port */
  published?: Located<PortRange>;
  target: Located<PortRange>;
  protocol: Protocol;
  mode: 'ingress' | 'host';
  /** the long syntax's `mode` value as written, when there is one (`unknown`: an unset variable decides it) */
  modeValue?: Located<string>;
  unknown: boolean;
  /** why the entry could not be read, when it could not */
  invalid?: string;
  /**
   * the error Docker refuses an invalid entry with, when it does: compose-go (and docker stack deploy) parse the short
   * syntax with go-connections' nat.ParsePortSpec (PortSpecError in lib/syntax/compose.ts); a long-syntax `published`
   * that is not a port or range reaches the engine, which refuses the container ("invalid port specification: ...",
   * checked on Docker 20.10)
   */
  refusal?: string;
}

export interface ExposedPort {
  span: Span;
  origin?: Span;
  ports: PortRange;
  protocol: Protocol;
  unknown: boolean;
  invalid?: string;
}

export interface ServiceNetwork {
  /** the network's key in the project */
  name: string;
  /** where the attachment is written; for the implicit default network, the service's key */
  span: Span;
  origin?: Span;
  implicit: boolean;
  aliases: Located<string>[];
  ipv4Address?: Located<Address>;
  ipv6Address?: Located<Address>;
  linkLocalIps: Located<Address>[];
  macAddress?: Located<string>;
  priority?: Located<number>;
  gwPriority?: Located<number>;
  /** `interface_name`: the endpoint's interface in the container (Docker 28.1+, fact `interface-name`) */
  interfaceName?: Located<string>;
}

export interface Link {
  service: string;
  alias: string;
  span: Span;
  origin?: Span;
}

export interface ExtraHost {
  host: string;
  address: Located<Address | 'host-gateway'>;
  span: Span;
}

export interface EnvVar {
  name: string;
  value?: Located<string>;
  span: Span;
  /** `environment`, or the env file the value came from */
  from: 'environment' | 'env_file';
}

export interface Volume {
  span: Span;
  origin?: Span;
  type: string;
  source?: string;
  target?: string;
  readOnly: boolean;
}

export interface Replicas {
  /** 1 when unset; undefined when not known before run time */
  count?: number;
  global: boolean;
  span?: Span;
}

export interface Service {
  name: string;
  /** the service's key */
  span: Span;
  /** the top-level keys written on the service (see ServiceKey) */
  keys: ReadonlyMap<string, ServiceKey>;
  /** one span per file covering the service's block, for placing what lies inside it */
  block: Span[];
  /** `image` as written: for an unset variable, the raw text with `unknown` set */
  image?: Located<string>;
  replicas: Replicas;
  networkMode?: Located<NetworkMode>;
  networks: ServiceNetwork[];
  ports: PortBinding[];
  expose: ExposedPort[];
  links: Link[];
  externalLinks: Link[];
  dependsOn: Located<string>[];
  hostname?: Located<string>;
  domainname?: Located<string>;
  containerName?: Located<string>;
  dns: Located<Address>[];
  dnsSearch: Located<string>[];
  extraHosts: ExtraHost[];
  environment: EnvVar[];
  envFiles: Located<string>[];
  command: Located<string>[];
  healthcheck: Located<string>[];
  volumes: Volume[];
  capAdd: Located<string>[];
  privileged?: Located<boolean>;
  /** the service-level `mac_address` (Compose moves it to the highest-priority network's endpoint) */
  macAddress?: Located<string>;
  /** `provider.type`: Compose delegates the service to that provider and runs no container for it (no endpoint, no name) */
  provider?: Located<string>;
  /** `use_api_socket`: Compose mounts the engine's socket (and the user's registry credentials) into the container */
  useApiSocket?: Located<boolean>;
  endpointMode?: Located<string>;
  maxReplicasPerNode?: Located<number>;
  build?: Span;
  profiles: string[];
}

/** A key written on a service: its span, and whether Compose would treat its value as unset. */
export interface ServiceKey {
  key: string;
  /** the key's span */
  span: Span;
  origin?: Span;
  /** null, "", or an empty list or map */
  empty: boolean;
  /** an interpolated variable was unset: whether the option is set is not known before run time */
  unknown: boolean;
}

export interface IpamConfig {
  span: Span;
  subnet?: Located<Cidr>;
  ipRange?: Located<Cidr>;
  gateway?: Located<Address>;
  auxAddresses: { name: string; address: Located<Address> }[];
}

export interface Network {
  /** the network's key in the project */
  name: string;
  /** the name Docker gives it: `name:`, the key for external networks, else `<project>_<key>` */
  dockerName: string;
  /** the key, or for the implicit default network where no one declared it, undefined */
  span?: Span;
  declared: boolean;
  driver: string;
  driverSpan?: Span;
  /** where the driver is written when `driverSpan` is an alias or merge key using it (as Located.origin) */
  driverOrigin?: Span;
  /** an unset variable decides the driver */
  driverUnknown?: boolean;
  driverOpts: Map<string, Located<string>>;
  external?: Located<boolean>;
  internal?: Located<boolean>;
  attachable?: Located<boolean>;
  enableIpv4?: Located<boolean>;
  enableIpv6?: Located<boolean>;
  ipamDriver?: Located<string>;
  ipam: IpamConfig[];
  labels: Map<string, string>;
  /** the keys written under this network, for rules that blame one */
  keys: Map<string, Span>;
}

export interface Model {
  name: string;
  mode: Mode;
  directory: string;
  files: string[];
  services: Map<string, Service>;
  networks: Map<string, Network>;
  /** services of inactive profiles: not in the graph, but what they declare still counts as used */
  inactiveServices: Map<string, Service>;
}
