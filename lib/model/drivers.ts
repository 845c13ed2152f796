import { closest, editDistance } from '../util/suggest';
import type { Network } from './types';

/**
 * What Docker does with a network or IPAM driver name.
 *
 * Built-in IPAM drivers (Docker 20.10): libnetwork's initIPAMDrivers registers `default`
 * (ipams/builtin) and `null` (ipams/null); every other name goes to the plugin system (ipams/remote).
 * Swarm's allocator (swarmkit cnmallocator) has the same two built in.
 *
 * A driver the engine does not have is looked up as a plugin: a managed plugin by its reference
 * (`vendor/name[:tag]`), else a legacy plugin file: pkg/plugins/discovery.go (Plugin, pluginPaths)
 * joins the name onto /run/docker/plugins (`<name>.sock`), /etc/docker/plugins and
 * /usr/lib/docker/plugins (`<name>.spec`, `<name>.json`) with filepath.Join, which resolves `..`
 * without refusing it. A `.spec` file holds a URL the daemon then calls (`POST /Plugin.Activate`), so
 * a name with `..` segments lets a file from the checkout choose what the root daemon talks to.
 * Plugin references (distribution/reference: path components of lowercase letters and digits joined
 * by `.`, `_`, `__` or dashes, after an optional `host[:port]/`) never start with `/` or `.`, have no
 * empty, `.` or `..` component and no backslash, so a name with any of those is a path, not a plugin.
 */

/**
 * Network drivers built into the engine, as its driver registry names them (libnetwork drivers/bridge, host,
 * ipvlan, macvlan, null, overlay). The "none" network's driver is "null"; `driver: none` is looked up as a
 * plugin. Names are case-sensitive. Seen on Docker 20.10: `docker network create -d bridgee` and `-d Bridge`
 * fail with `plugin "bridgee" not found`; `-d null` and `-d host` with "only one instance of … network is allowed".
 */
export const BUILTIN_NETWORK_DRIVERS: readonly string[] = ['bridge', 'host', 'ipvlan', 'macvlan', 'null', 'overlay'];

/**
 * The built-in network driver a driver name is one edit from (case ignored), when the name is not itself one and
 * does not look like a managed plugin reference (`vendor/name`, `name:tag`); undefined otherwise. Any other
 * name may be a legacy plugin installed on the host, which the file cannot tell.
 */
export function driverTypo(name: string): string | undefined {
  if (BUILTIN_NETWORK_DRIVERS.includes(name) || /[/:]/.test(name)) return undefined;
  const near = closest(name, BUILTIN_NETWORK_DRIVERS);
  return near !== undefined && editDistance(name.toLowerCase(), near) <= 1 ? near : undefined;
}

/** IPAM drivers built into the engine (and Swarm's allocator): no plugin is looked up for them. */
export const BUILTIN_IPAM_DRIVERS: readonly string[] = ['default', 'null'];

/** Whether the engine serves this IPAM driver itself; names are case-sensitive, as the driver registry's are. */
export function isBuiltinIpamDriver(name: string): boolean {
  return BUILTIN_IPAM_DRIVERS.includes(name);
}

/**
 * Why a driver name is a file path and not a plugin name: a phrase such as `its ".." segment climbs
 * out of Docker's plugin folders`, or undefined for a name a plugin could have (`bridge`,
 * `vendor/driver:1.0`, `registry:5000/vendor/driver`).
 */
export function driverPathProblem(name: string): string | undefined {
  const segments = name.split(/[/\\]/);
  if (segments.includes('..')) return 'its ".." segment climbs out of Docker\'s plugin folders';
  if (name.includes('\\')) return 'it holds a backslash';
  if (name.startsWith('/')) return 'it is an absolute path';
  if (segments.includes('.')) return 'it has a "." segment';
  if (name !== '' && segments.includes('')) return 'it has an empty segment';
  return undefined;
}

/** An ipvlan network in L3 mode routes through the parent itself: it has no gateway (moby/moby#50929 is about L2 only). An unset mode variable counts as L3 (nothing is claimed). */
export function routedByL3(network: Network): boolean {
  const mode = network.driverOpts.get('ipvlan_mode');
  return network.driver === 'ipvlan' && !!mode && (mode.unknown || mode.value.startsWith('l3'));
}
