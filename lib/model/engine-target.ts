import { InputError } from '../source/diagnostic';

/**
 * The engine a project is linted for, and the one table of facts that differ between engines and versions.
 * Rules, the graph and the probe ask `engineHas(target, id)`; none keeps its own copy of a version boundary.
 */

export type EngineFamily = 'docker' | 'podman';

/** A version as `[major, minor, patch]`; a part left out when written is 0 (`29.1` is 29.1.0). */
export type EngineVersion = readonly [number, number, number];

/** The engine a project is linted for: `docker@29.1`, `docker@28.0+rootless`, `podman@5.2`. */
export interface EngineTarget {
  family: EngineFamily;
  version: EngineVersion;
  /** ports below 1024 need `net.ipv4.ip_unprivileged_port_start`; Podman is rootless unless written `+rootful` */
  rootless: boolean;
  /** Docker Desktop: the engine runs in a VM that adds `host.docker.internal` itself */
  desktop: boolean;
  /** the canonical spelling, as messages and reports show it: `docker@29.1`, `podman@5.2+rootful` */
  name: string;
}

const FAMILIES: readonly EngineFamily[] = ['docker', 'podman'];
const MODIFIERS = ['rootless', 'rootful', 'desktop'] as const;

/** The newest Docker release whose facts the table knows: the default target. */
export const DEFAULT_ENGINE_NAME = 'docker@29.1';

/**
 * Reads `FAMILY@MAJOR.MINOR[.PATCH][+rootless|+rootful|+desktop]` (`docker@29.1`, `podman@5.2+rootful`).
 * Throws InputError (code EUSAGE) naming what is wrong; `what` names where the text came from (`--engine`).
 */
export function parseEngine(text: string, what = '--engine'): EngineTarget {
  const fail = (why: string): never => {
    throw new InputError(`${what} "${text.length > 40 ? `${text.slice(0, 40)}…` : text}" ${why}; write FAMILY@VERSION such as ${DEFAULT_ENGINE_NAME}, docker@20.10 or podman@5.2`, 'EUSAGE');
  };
  const at = text.indexOf('@');
  if (at === -1) return fail('names no version');
  const family = text.slice(0, at).toLowerCase();
  if (!(FAMILIES as readonly string[]).includes(family)) return fail(`has an unknown engine family "${text.slice(0, at)}" (docker or podman)`);
  const [versionText, ...modifiers] = text.slice(at + 1).split('+');
  const parts = versionText.split('.');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !/^\d{1,4}$/.test(p))) return fail('has no MAJOR.MINOR[.PATCH] version');
  const version = [Number(parts[0]), Number(parts[1]), Number(parts[2] ?? 0)] as const;
  for (const m of modifiers) if (!(MODIFIERS as readonly string[]).includes(m)) return fail(`has an unknown modifier "+${m}" (${MODIFIERS.map((x) => `+${x}`).join(', ')})`);
  if (modifiers.includes('rootless') && modifiers.includes('rootful')) return fail('is both +rootless and +rootful');
  if (modifiers.includes('desktop') && family !== 'docker') return fail('has +desktop, which only Docker Desktop is');
  const rootless = family === 'podman' ? !modifiers.includes('rootful') : modifiers.includes('rootless');
  const desktop = modifiers.includes('desktop');
  return makeTarget(family as EngineFamily, version, parts, rootless, desktop);
}

/**
 * `written` holds the version's parts as written (`['19', '03']`): the name keeps them, so Docker's year.month
 * releases print as Docker numbers them (docker@19.03, docker@20.10.24); a patch of 0 or none is left out.
 */
function makeTarget(family: EngineFamily, version: EngineVersion, written: readonly string[], rootless: boolean, desktop: boolean): EngineTarget {
  const shown = version[2] ? written.join('.') : `${written[0]}.${written[1]}`;
  const suffix = (family === 'podman' ? (rootless ? '' : '+rootful') : rootless ? '+rootless' : '') + (desktop ? '+desktop' : '');
  return Object.freeze({ family, version, rootless, desktop, name: `${family}@${shown}${suffix}` });
}

/** The default target: the newest Docker release the table knows ({@link DEFAULT_ENGINE_NAME}). */
export const DEFAULT_ENGINE: EngineTarget = parseEngine(DEFAULT_ENGINE_NAME);

/**
 * The target of an engine that answered `docker version`/`GET /version`: Podman's compatible API names a component
 * "Podman Engine"; otherwise the `Version` is Docker's (`29.1.2`, `20.10.24+dfsg1`). `rootless` from `SecurityOptions`
 * (`name=rootless`) of `docker info`. Returns undefined for a version it cannot read.
 */
export function engineFromVersion(info: { version: string; components?: { name: string; version: string }[]; rootless?: boolean; desktop?: boolean }): EngineTarget | undefined {
  const podman = info.components?.find((c) => /podman/i.test(c.name));
  const match = /^(\d{1,4})\.(\d{1,4})(?:\.(\d{1,4}))?/.exec(podman?.version ?? info.version);
  if (!match) return undefined;
  const family: EngineFamily = podman ? 'podman' : 'docker';
  const written = match.slice(1).filter((p) => p !== undefined);
  return makeTarget(family, [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)], written, info.rootless ?? family === 'podman', !podman && !!info.desktop);
}

/** Compares two versions: negative, zero or positive. */
export function compareVersions(a: EngineVersion, b: EngineVersion): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** Versions of one family where a fact holds: from `since` (inclusive) up to `before` (exclusive); both open when absent. */
export interface VersionRange {
  since?: string;
  before?: string;
}

/** One version-dependent fact: where it holds, and the public source that says so. */
export interface EngineFact {
  id: EngineFactId;
  /** what is true where the fact holds, one sentence for the README table */
  holds: string;
  /** the Docker versions where it holds; absent: never on Docker */
  docker?: VersionRange;
  /** the Podman versions where it holds; absent: never on Podman */
  podman?: VersionRange;
  /** holds only on rootless (true) engines */
  rootless?: true;
  /** holds on Docker Desktop whatever `docker` says */
  desktop?: true;
  /** release notes, pull request or documentation URL */
  source: string;
  /** where this repository checks it on a real engine (an e2e test), when it does */
  verified?: string;
}

export type EngineFactId = (typeof ENGINE_FACTS)[number]['id'];

const MOBY = 'https://github.com/moby/moby/pull/';
const NOTES = 'https://docs.docker.com/engine/release-notes/';
/** the e2e test that checks the 20.10 side of several facts on the engine these tests run against */
const E2E = 'test/e2e/engine-facts.test.ts';

/**
 * The table. Each entry's range is where its `holds` sentence is true; sources are Docker's release notes and the
 * moby pull requests they cite (checked against the moby tags), Podman's documentation and release notes.
 */
export const ENGINE_FACTS = [
  {
    id: 'static-ip-needs-user-subnet',
    holds:
      'a static ipv4_address/ipv6_address needs a subnet written in the network\'s IPAM config ("user specified IP address is supported only when connecting to networks with user configured subnets"); from 29.0.4 an address inside the subnet the engine allocates is accepted',
    docker: { before: '29.0.4' },
    source: `${MOBY}51583`,
    verified: E2E,
  },
  {
    id: 'ipam-validated',
    holds:
      'IPAM config is validated when the network is created: an ip_range wider than or outside its subnet, and a subnet or ip_range with host bits set, are refused ("invalid network config"); before, they are accepted and the ip_range is not honoured',
    docker: { since: '25.0' },
    source: `${MOBY}45759`,
    verified: E2E,
  },
  {
    id: 'ipv6-subnet-enables-ipv6',
    holds: 'an IPv6 subnet in the IPAM config enables IPv6 on the network without enable_ipv6 (25.0.0 to 25.0.2 only: reverted by moby/moby#47306); elsewhere such a subnet is ignored and the network has no IPv6',
    docker: { since: '25.0', before: '25.0.3' },
    source: `${MOBY}46455`,
    verified: E2E,
  },
  {
    id: 'ipv6-default-ula-pool',
    holds: 'enable_ipv6 without an IPv6 subnet gets one from a default ULA pool (fd00::/8)',
    docker: { since: '27.0' },
    podman: {},
    source: `${MOBY}47853`,
  },
  {
    id: 'static-ipv6-checked',
    holds: 'an ipv6_address on a network without IPv6 is refused when the container is created; before, when the network has an IPv6 subnet written, the address is ignored and the container starts without IPv6',
    docker: { since: '25.0' },
    source: `${MOBY}46183`,
    verified: E2E,
  },
  {
    id: 'endpoint-mac-address',
    holds: 'mac_address can be set per network endpoint (API 1.44)',
    docker: { since: '25.0' },
    podman: {},
    source: `${NOTES}25.0/`,
  },
  {
    id: 'gw-priority',
    holds: 'gw_priority chooses the network that provides the default gateway (API 1.48; Compose 2.33.1+)',
    docker: { since: '28.0' },
    source: `${MOBY}48936`,
  },
  {
    id: 'enable-ipv4',
    holds: 'enable_ipv4: false creates a network without IPv4 addresses (API 1.48; Compose 2.33.1+)',
    docker: { since: '28.0' },
    source: `${MOBY}48271`,
  },
  {
    id: 'interface-name',
    holds:
      'interface_name names the endpoint\'s interface in the container (com.docker.network.endpoint.ifname from 28.0, moby/moby#49155; Compose sends it from API 1.49, 28.1); a name starting with "eth" may collide with a generated one and stop the container',
    docker: { since: '28.1' },
    source: `${MOBY}49155`,
  },
  {
    id: 'loopback-ports-host-only',
    holds: 'ports published on 127.0.0.1 are not reachable from other hosts on the local network; before, a neighbour that routes 127.0.0.1 to the host reaches them',
    docker: { since: '28.0' },
    podman: {},
    source: `${MOBY}49325`,
  },
  {
    id: 'unpublished-ports-filtered',
    holds: 'container ports that are not published are not reachable from other hosts by direct routing to the container address; before, they are where the host forwards packets',
    docker: { since: '28.0' },
    source: `${MOBY}48724`,
  },
  {
    id: 'gateway-mode-routed',
    holds: 'com.docker.network.bridge.gateway_mode_ipv4/ipv6 "routed" is known: no NAT and no host port mapping, the container address is reached directly',
    docker: { since: '27.0' },
    source: `${MOBY}47871`,
  },
  {
    id: 'routed-host-port-ignored',
    holds: 'a port mapping that names a host address or port on a network without NAT (gateway mode routed) is accepted and the unused part logged; before (27.x), the container is refused',
    docker: { since: '28.0' },
    source: `${MOBY}48575`,
  },
  {
    id: 'gateway-mode-nat-unprotected',
    holds: 'com.docker.network.bridge.gateway_mode_ipv4/ipv6 "nat-unprotected" is known: NAT without the per-port filtering, so every container port is reachable by direct routing',
    docker: { since: '28.0' },
    source: `${MOBY}48597`,
  },
  {
    id: 'gateway-mode-isolated',
    holds: 'com.docker.network.bridge.gateway_mode_ipv4/ipv6 "isolated" is known, on internal networks only: the bridge gets no address on the host',
    docker: { since: '28.0' },
    source: `${MOBY}49262`,
  },
  {
    id: 'macvlan-default-gateway',
    holds: 'a macvlan or ipvlan (l2) network without a written gateway gives its containers a default route through one the engine picks',
    docker: { before: '29.0' },
    source: `${MOBY}50929`,
  },
  {
    id: 'subnet-size-request',
    holds:
      'a subnet written as the unspecified address with a prefix (0.0.0.0/24, ::/96) asks for a subnet of that size from the default address pools; before, it is taken literally, so two such networks overlap ("Pool overlaps with other one on this address space")',
    docker: { since: '29.0' },
    source: `${MOBY}50114`,
    verified: E2E,
  },
  {
    id: 'legacy-link-env',
    holds: 'links set the legacy environment variables of the linked container (DB_PORT=tcp://…, DB_PORT_5432_TCP_ADDR, DB_ENV_…); deprecated in 28.4, not set from 29.0 unless the daemon runs with DOCKER_KEEP_DEPRECATED_LEGACY_LINKS_ENV_VARS=1',
    docker: { before: '29.0' },
    source: `${MOBY}50719`,
    verified: E2E,
  },
  {
    id: 'internal-no-default-route',
    holds: 'containers attached only to internal networks have no default route, so connections to outside addresses fail at once; before, they get a default route through a gateway that drops the packets',
    docker: { since: '25.0' },
    podman: {},
    source: `${MOBY}46603`,
    verified: E2E,
  },
  {
    id: 'internal-no-external-dns',
    holds:
      "the embedded DNS server does not forward queries for outside names from containers attached only to internal networks (CVE-2024-29018; fixed in 26.0.0, also in 25.0.5 and 23.0.11); before, it does when the host's resolver is on a loopback address",
    docker: { since: '26.0' },
    podman: {},
    source: `${MOBY}47589`,
  },
  {
    id: 'hostname-resolves',
    holds: "a container's hostname is one of its DNS names on its user-defined networks (the daemon adds Config.Hostname to the endpoint's DNSNames)",
    docker: {},
    source: `${MOBY}39204`,
    verified: E2E,
  },
  {
    id: 'host-internal-names',
    holds: 'host.docker.internal resolves to the host without extra_hosts (Podman adds it to /etc/hosts from 4.7, containers/common#1592; Docker Desktop resolves it itself)',
    podman: { since: '4.7' },
    desktop: true,
    source: 'https://github.com/containers/common/pull/1592',
  },
  {
    id: 'host-gateway',
    holds:
      "extra_hosts accepts the special address host-gateway, which the engine replaces with the host's address (the default bridge's gateway, or the daemon's host-gateway-ip); before, it is not an address and the container is refused (\"invalid IP address in add-host\")",
    docker: { since: '20.10' },
    podman: { since: '4.7' },
    source: `${MOBY}40007`,
  },
  {
    id: 'host-containers-internal',
    holds: "host.containers.internal is in /etc/hosts, the address of the host on the container's network (checked on Podman 4.3.1 here)",
    podman: {},
    source: 'https://docs.podman.io/en/latest/markdown/podman-run.1.html#add-host-hostname-hostname-ip',
  },
  {
    id: 'rootless-low-ports',
    holds: 'host ports below 1024 cannot be published unless net.ipv4.ip_unprivileged_port_start is lowered on the host',
    docker: {},
    podman: {},
    rootless: true,
    source: 'https://docs.docker.com/engine/security/rootless/#exposing-privileged-ports',
  },
  {
    id: 'networks-isolated-by-name-only',
    holds: "containers on different networks are not strictly isolated from each other: one can reach another network's container addresses through the host (before Netavark 2, Podman 5 and older)",
    podman: { before: '6.0' },
    source: 'https://github.com/containers/netavark/releases',
  },
  {
    id: 'podman-network-modes',
    holds: 'network_mode pasta, slirp4netns, private and ns:PATH are valid; Docker takes them as network names and refuses the container ("network … not found")',
    podman: {},
    source: 'https://docs.podman.io/en/latest/markdown/podman-run.1.html#network-mode-net',
  },
] as const satisfies readonly (Omit<EngineFact, 'id'> & { id: string })[];

const BY_ID = new Map<string, EngineFact>(ENGINE_FACTS.map((f) => [f.id, f as EngineFact]));

/** The fact's table entry (its `holds`, ranges and `source` URL for messages and docs). Throws on an unknown id (a bug). */
export function engineFact(id: EngineFactId): EngineFact {
  const fact = BY_ID.get(id);
  if (!fact) throw new Error(`unknown engine fact "${id}"`);
  return fact;
}

/** Whether the fact holds on the target: its family's range contains the version (and rootless/desktop as the fact needs). */
export function engineHas(target: EngineTarget, id: EngineFactId): boolean {
  const fact = engineFact(id);
  if (fact.rootless && !target.rootless) return false;
  if (fact.desktop && target.desktop) return true;
  const range = target.family === 'docker' ? fact.docker : fact.podman;
  if (!range) return false;
  if (range.since && compareVersions(target.version, rangeVersion(range.since)) < 0) return false;
  if (range.before && compareVersions(target.version, rangeVersion(range.before)) >= 0) return false;
  return true;
}

/** The facts table's versions ("25.0"), parsed once each: engineHas is asked for every service and pair. */
const RANGE_VERSIONS = new Map<string, EngineVersion>();

function rangeVersion(text: string): EngineVersion {
  let version = RANGE_VERSIONS.get(text);
  if (!version) {
    const [a, b, c] = text.split('.').map(Number);
    RANGE_VERSIONS.set(text, (version = [a, b ?? 0, c ?? 0]));
  }
  return version;
}
