// The seeded random-project generator of the differential runner (issue 13): a Compose project no one
// hand-wrote, a pure function of its seed, mixing the network features the model covers and some
// deliberate mistakes. The runner (test/helpers/differential.ts) probes it and compares graph and engine.
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import { stringify } from 'yaml';

/** A generated project: its Compose file's text and what went into it (for the failure report). */
export interface RandomProject {
  seed: number;
  /** the project name (`name:`), unique per seed so that runs of different seeds never share names */
  name: string;
  /** compose.yaml */
  text: string;
  /** one line per feature or mistake drawn, in the order drawn */
  features: string[];
}

/**
 * Where generated projects take their fixed resources. Subnets come from 10.40.0.0/14 (10.40–10.43,
 * /24 each): away from Docker's default address pools (172.17–31, 192.168), the Swarm ingress (10.0.0.0/24),
 * the e2e projects (10.231) and 192.0.2.0/24. Fixed host ports come from 42000–42999; the twin publishes
 * them on loopback only (lib/probe/publish.ts).
 */
export const FUZZ_SUBNET_BASE = [10, 40] as const;
export const FUZZ_PORTS = [42000, 42999] as const;

const SERVICE_NAMES = ['web', 'api', 'db', 'cache', 'worker', 'proxy', 'admin'];
const CONTAINER_PORTS = [80, 5432, 6379, 8080, 9000];

class Draw {
  private rng: RandomGenerator;
  constructor(seed: number) {
    this.rng = xoroshiro128plus(seed);
  }
  /** an integer in [from, to] */
  int(from: number, to: number): number {
    return uniformInt(this.rng, from, to);
  }
  /** true with probability p (in hundredths) */
  chance(percent: number): boolean {
    return this.int(1, 100) <= percent;
  }
  pick<T>(list: readonly T[]): T {
    return list[this.int(0, list.length - 1)];
  }
  /** a random subset, in the list's order */
  some<T>(list: readonly T[], percent: number): T[] {
    return list.filter(() => this.chance(percent));
  }
  shuffle<T>(list: readonly T[]): T[] {
    const out = [...list];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }
}

interface NetworkPlan {
  name: string;
  internal: boolean;
  /** third octet of 10.4x.y.0/24 when the network has an IPAM subnet */
  subnet?: string;
  prefix?: string;
}

/**
 * Generates the project of `seed`: 2–7 services, 0–3 user bridge networks (internal, IPAM subnets), the
 * implicit default network, `network_mode` bridge/host/none/`service:`, `container_name`, `hostname`,
 * `links` with and without alias, `extra_hosts`, `expose`, published ports in every syntax (host IP, UDP,
 * ranges, ephemeral, long syntax), replicas, references in `environment`, `depends_on`, profiles, and
 * deliberate mistakes (a static address outside its subnet or on a network without one, an undeclared
 * network, `network_mode` beside `networks`, dependency cycles, duplicate host ports, names no one has).
 * Same seed, same bytes.
 */
export function randomProject(seed: number): RandomProject {
  const d = new Draw(seed);
  const features: string[] = [];
  const name = `fz${seed}`;
  const count = d.int(2, 7);
  const names = d.shuffle(SERVICE_NAMES).slice(0, count);
  const networks: NetworkPlan[] = [];
  const netCount = d.int(0, 3);
  const usedSubnets = new Set<string>();
  for (let i = 0; i < netCount; i++) {
    const n: NetworkPlan = { name: `n${i}`, internal: d.chance(20) };
    if (d.chance(50)) {
      const prefix = `${FUZZ_SUBNET_BASE[0]}.${FUZZ_SUBNET_BASE[1] + d.int(0, 3)}.${d.int(0, 255)}`;
      // a second network on the same /24 is a deliberate overlap, drawn rarely
      if (!usedSubnets.has(prefix) || d.chance(30)) {
        n.prefix = prefix;
        n.subnet = `${prefix}.0/24`;
        usedSubnets.add(prefix);
      }
    }
    networks.push(n);
    features.push(`network ${n.name}${n.internal ? ' internal' : ''}${n.subnet ? ` subnet ${n.subnet}` : ''}`);
  }
  const hostPort = (): number => d.int(FUZZ_PORTS[0], FUZZ_PORTS[1] - 2);
  const usedPorts: number[] = [];
  const freshHostPort = (): number => {
    // a port another service already publishes, now and then: a deliberate duplicate
    if (usedPorts.length && d.chance(10)) {
      features.push('duplicate host port');
      return d.pick(usedPorts);
    }
    const p = hostPort();
    usedPorts.push(p);
    return p;
  };

  const services: Record<string, Record<string, unknown>> = {};
  const modes = new Map<string, string>();
  // services in an inactive profile; others depend on them only by a (rare) mistake, which Compose refuses
  const profiled = new Set(names.filter(() => d.chance(6)));
  // dependencies (links, depends_on) go to services earlier in the file, so they form no cycle, but for a rare mistake
  const dependable = (index: number, svc: string): string[] => {
    const anyone = names.filter((n) => n !== svc);
    if (d.chance(3)) {
      features.push(`${svc}: mistake: may depend on a later or inactive service`);
      return anyone;
    }
    return names.slice(0, index).filter((n) => !profiled.has(n));
  };
  for (const [index, svc] of names.entries()) {
    const s: Record<string, unknown> = { image: 'busybox' };
    const others = names.filter((n) => n !== svc);
    // the namespace
    let mode: string | undefined;
    if (d.chance(22)) {
      const joinable = names.slice(0, index).filter((n) => !modes.get(n)?.startsWith('service:') && modes.get(n) !== 'none');
      const kinds = ['bridge', 'host', 'none', ...(joinable.length ? ['service'] : [])];
      const kind = d.pick(kinds);
      mode = kind === 'service' ? `service:${d.pick(joinable)}` : kind;
      s.network_mode = mode;
      modes.set(svc, mode);
      features.push(`${svc}: network_mode ${mode}`);
    }
    const joins = mode?.startsWith('service:');
    // networks
    if (!mode || d.chance(4)) {
      if (mode) features.push(`${svc}: mistake: network_mode with networks`);
      const chosen = networks.length ? d.some(networks, 45) : [];
      const withDefault = chosen.length > 0 && d.chance(20);
      const undeclared = d.chance(1);
      if (undeclared) features.push(`${svc}: mistake: undeclared network`);
      if (chosen.length || undeclared) {
        const long = d.chance(50) || chosen.some((n) => n.prefix);
        if (!long) {
          s.networks = [...chosen.map((n) => n.name), ...(withDefault ? ['default'] : []), ...(undeclared ? ['ghost'] : [])];
        } else {
          const map: Record<string, Record<string, unknown> | null> = {};
          for (const n of chosen) {
            const entry: Record<string, unknown> = {};
            if (d.chance(30)) entry.aliases = [d.chance(30) ? d.pick(others) : `${svc}-alias`];
            if (n.prefix && d.chance(40)) entry.ipv4_address = `${n.prefix}.${d.int(10, 250)}`;
            else if (d.chance(3)) {
              entry.ipv4_address = `10.${FUZZ_SUBNET_BASE[1] + 4}.${d.int(0, 255)}.5`;
              features.push(`${svc}: mistake: static address outside any subnet`);
            }
            map[n.name] = Object.keys(entry).length ? entry : null;
          }
          if (withDefault) map.default = null;
          if (undeclared) map.ghost = null;
          s.networks = map;
        }
        features.push(`${svc}: networks ${JSON.stringify(s.networks)}`);
      } else if (d.chance(4)) {
        s.networks = { default: { ipv4_address: `10.${FUZZ_SUBNET_BASE[1]}.0.5` } };
        features.push(`${svc}: mistake: static address on the default network (no subnet)`);
      }
    }
    if (d.chance(15) && !joins) {
      s.container_name = d.chance(10) ? d.pick(others) : `${name}-${svc}-ct`;
      features.push(`${svc}: container_name ${String(s.container_name)}`);
    }
    if (d.chance(15) && !joins) {
      s.hostname = d.chance(50) ? d.pick(others) : `${svc}-host`;
      features.push(`${svc}: hostname ${String(s.hostname)}`);
    }
    const linkable = dependable(index, svc);
    if (linkable.length && d.chance(20)) {
      const target = d.pick(linkable);
      s.links = [d.chance(50) ? `${target}:${target}-link` : target];
      features.push(`${svc}: links ${JSON.stringify(s.links)}`);
    }
    if (d.chance(12) && !joins) {
      s.extra_hosts = [`${d.chance(50) ? d.pick(others) : 'outside'}:10.${FUZZ_SUBNET_BASE[1]}.250.9`];
      features.push(`${svc}: extra_hosts ${JSON.stringify(s.extra_hosts)}`);
    }
    if (d.chance(40) && !joins) {
      s.expose = d.some(CONTAINER_PORTS, 30).map(String);
      if (!(s.expose as string[]).length) s.expose = [String(d.pick(CONTAINER_PORTS))];
    }
    if (d.chance(40) && !joins) {
      const ports: unknown[] = [];
      for (let k = d.int(1, 2); k > 0; k--) ports.push(portEntry(d, freshHostPort, features, svc));
      s.ports = ports;
      features.push(`${svc}: ports ${JSON.stringify(ports)}`);
    }
    if (d.chance(15)) {
      const n = d.int(2, 3);
      if (d.chance(50)) s.scale = n;
      else s.deploy = { replicas: n };
      features.push(`${svc}: ${n} replicas`);
      if (s.container_name) delete s.container_name;
    }
    if (d.chance(45)) {
      const env: string[] = [];
      for (let k = d.int(1, 2); k > 0; k--) {
        const target = d.chance(85) ? d.pick(others) : 'nowhere';
        env.push(`${target.toUpperCase().replace(/-/g, '_')}_URL=http://${target}:${d.pick(CONTAINER_PORTS)}/`);
      }
      s.environment = env;
    }
    const dependencies = dependable(index, svc);
    if (dependencies.length && d.chance(25)) {
      s.depends_on = d.some(dependencies, 40);
      if (!(s.depends_on as string[]).length) s.depends_on = [d.pick(dependencies)];
      features.push(`${svc}: depends_on ${JSON.stringify(s.depends_on)}`);
    }
    if (profiled.has(svc)) {
      s.profiles = ['debug'];
      features.push(`${svc}: profile debug (inactive)`);
    }
    services[svc] = s;
  }
  const doc: Record<string, unknown> = { name, services };
  if (networks.length) {
    const out: Record<string, unknown> = {};
    for (const n of networks) {
      const spec: Record<string, unknown> = {};
      if (n.internal) spec.internal = true;
      if (n.subnet) spec.ipam = { config: [{ subnet: n.subnet }] };
      out[n.name] = Object.keys(spec).length ? spec : null;
    }
    doc.networks = out;
  }
  const text = `# generated by test/helpers/random-project.ts, seed ${seed}\n${stringify(doc, { lineWidth: 0 })}`;
  return { seed, name, text, features };
}

/** One `ports` entry in one of Compose's syntaxes. */
function portEntry(d: Draw, hostPort: () => number, features: string[], svc: string): unknown {
  const target = d.pick(CONTAINER_PORTS);
  const syntax = d.int(1, 8);
  switch (syntax) {
    case 1:
      return `${hostPort()}:${target}`;
    case 2:
      return `127.0.0.1:${hostPort()}:${target}`;
    case 3:
      return String(target);
    case 4:
      return `${hostPort()}:${target}/udp`;
    case 5: {
      const p = hostPort();
      features.push(`${svc}: host range to one port`);
      return `${p}-${p + 1}:${target}`;
    }
    case 6: {
      const p = hostPort();
      return `${p}-${p + 1}:${target}-${target + 1}`;
    }
    case 7:
      return `127.0.0.1::${target}`;
    default: {
      const entry: Record<string, unknown> = { target, published: String(hostPort()) };
      if (d.chance(50)) entry.host_ip = '127.0.0.1';
      if (d.chance(30)) entry.protocol = 'udp';
      return entry;
    }
  }
}
