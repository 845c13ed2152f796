import { lineOf } from '../lib/engine/messages';
import { defineRule } from '../lib/engine/rule';
import { cidrBounds, parseCidr } from '../lib/model/address';
import type { Cidr, Family, Located } from '../lib/model/types';

export interface Options {
  /** CIDRs no network of the project may overlap (Docker's default bridge, a VPN, the office LAN) */
  avoid: string[];
}

/** Docker's default bridge (docker0) unless the daemon's `bip` moves it. */
const DEFAULT_BRIDGE = '172.17.0.0/16';

interface Range {
  family: Family;
  first: bigint;
  last: bigint;
  /** the network that declares it; undefined for a range from the option */
  network?: string;
  /** the network's Docker name: two keys with one `name:` are one network */
  dockerName?: string;
  driver?: string;
  subnet: Located<Cidr> | { value: Cidr; span?: undefined; origin?: undefined };
}

export default defineRule<Options>({
  id: 'no-overlapping-subnets',
  category: 'correctness',
  severity: 'error',
  description: 'Disallow IPAM subnets that overlap across networks, within one network, or overlap ranges to avoid',
  probe: { claim: 'subnets-overlap', cells: [], events: ['network-failed'], message: /overlap/i },
  messages: {
    overlap:
      'subnet "{{subnet}}" of network "{{network}}" overlaps "{{other}}" of network "{{otherNetwork}}" ({{where}}); ' +
      'the engine refuses the second pool ("Pool overlaps with other one on this address space") and containers attached to both get ambiguous routes. choose disjoint ranges',
    withinNetwork:
      'subnet "{{subnet}}" of network "{{network}}" overlaps its other subnet "{{other}}" ({{where}}); the engine refuses to create the network ' +
      '("multiple overlapping subnet configuration is not supported"). remove one of them, or choose disjoint ranges',
    avoid:
      'subnet "{{subnet}}" of network "{{network}}" overlaps "{{avoid}}", {{reason}}; the engine refuses a pool that overlaps one it already uses, ' + 'and containers on this network cannot reach addresses in "{{avoid}}". choose a range outside it',
  },
  options: {
    schema: {
      type: 'object',
      properties: {
        avoid: {
          description: 'CIDRs that no network subnet may overlap, e.g. the default bridge, a VPN or the office LAN',
          type: 'array',
          items: { type: 'string', pattern: '^[0-9A-Fa-f:.]+/[0-9]{1,3}$' },
          uniqueItems: true,
        },
      },
      additionalProperties: false,
    },
    defaults: { avoid: [DEFAULT_BRIDGE] },
  },
  check(graph, context) {
    const ranges: Range[] = [];
    for (const network of graph.networks.values()) {
      // a network no service uses is never created: its pool takes nothing from anyone
      if (!network.declared || !graph.networkCreated(network.name)) continue;
      for (const config of network.ipam) {
        const subnet = config.subnet;
        // a size request (0.0.0.0/24 on Docker 29.0 and later) names no addresses: the engine picks them
        const bounds = subnet && !subnet.unknown && !graph.isSizeRequest(subnet.value) ? cidrBounds(subnet.value) : undefined;
        if (bounds) ranges.push({ family: subnet!.value.family!, ...bounds, network: network.name, dockerName: network.dockerName, driver: network.driver, subnet: subnet! });
      }
    }
    if (ranges.length === 0) return;
    for (const text of context.options.avoid) {
      const cidr = parseCidr(text);
      const bounds = cidrBounds(cidr);
      if (bounds) ranges.push({ family: cidr.family!, ...bounds, subnet: { value: cidr } });
    }

    // Sorted sweep: CIDRs either nest or are disjoint, so after sorting by start (widest first) the ranges
    // still open at a range's start are exactly the ones containing it: a stack, popped once its end is passed.
    ranges.sort((a, b) => (a.family !== b.family ? (a.family < b.family ? -1 : 1) : a.first !== b.first ? (a.first < b.first ? -1 : 1) : a.last > b.last ? -1 : a.last < b.last ? 1 : 0));
    // open subnets of networks, with the index of the nearest one below each that belongs to another network
    // (so that the innermost subnet of another network is found in one step, however many of one network nest)
    const nets: { range: Range; other: number }[] = [];
    const avoids: Range[] = [];
    const done = (outer: Range, range: Range) => outer.family !== range.family || outer.last < range.first;
    for (const range of ranges) {
      while (nets.length && done(nets[nets.length - 1].range, range)) nets.pop();
      while (avoids.length && done(avoids[avoids.length - 1], range)) avoids.pop();
      if (range.network === undefined) {
        // a range to avoid: the innermost subnet of each network that contains it
        const seen = new Set<string>();
        for (let i = nets.length - 1; i >= 0; i--) {
          if (seen.has(nets[i].range.dockerName!)) continue;
          seen.add(nets[i].range.dockerName!);
          pair(nets[i].range, range);
        }
        avoids.push(range);
        continue;
      }
      // a subnet: once against the innermost subnet of another network that contains it (one finding per
      // subnet, not one per pair: n networks on one subnet are n - 1 mistakes), and against each range to avoid
      let i = nets.length - 1;
      // two subnets of one network's IPAM: the engine refuses that network by itself
      if (i >= 0 && nets[i].range.network === range.network) overlap(nets[i].range, range, true);
      if (i >= 0 && nets[i].range.dockerName === range.dockerName) i = nets[i].other;
      if (i >= 0) pair(nets[i].range, range);
      const seen = new Set<string>();
      for (const avoid of avoids) {
        if (seen.has(avoid.subnet.value.text)) continue;
        seen.add(avoid.subnet.value.text);
        pair(avoid, range);
      }
      const top = nets.length - 1;
      nets.push({ range, other: top < 0 ? -1 : nets[top].range.dockerName !== range.dockerName ? top : nets[top].other });
    }

    function pair(a: Range, b: Range): void {
      if (a.network === undefined && b.network === undefined) return;
      if (a.network === undefined || b.network === undefined) {
        const [avoid, net] = a.network === undefined ? [a, b] : [b, a];
        const text = avoid.subnet.value.text;
        const bridge = sameCidr(text, DEFAULT_BRIDGE);
        // docker0 lives in the engine's local address space and the host's routes; an overlay's subnet lives in neither
        if (bridge && net.driver === 'overlay') return;
        context.report({
          messageId: 'avoid',
          at: net.subnet as Located<Cidr>,
          network: net.network,
          data: { subnet: net.subnet.value.text, network: net.network!, avoid: text, reason: bridge ? "Docker's default bridge (docker0)" : 'which the rule option "avoid" lists' },
        });
        return;
      }
      overlap(a, b, false);
    }

    /** Two overlapping subnets of networks, `same` when both are one network's: reported at the later one, the earlier in related. */
    function overlap(a: Range, b: Range, same: boolean): void {
      const [first, later] = graph.compareSpans(a.subnet.span!, b.subnet.span!) <= 0 ? [a, b] : [b, a];
      const firstAt = { span: first.subnet.span! };
      context.report({
        messageId: same ? 'withinNetwork' : 'overlap',
        at: later.subnet as Located<Cidr>,
        network: later.network,
        related: [{ message: `subnet "${first.subnet.value.text}" of ${same ? 'the same network' : `network "${first.network}"`}`, at: firstAt }],
        data: {
          subnet: later.subnet.value.text,
          network: later.network!,
          other: first.subnet.value.text,
          otherNetwork: first.network!,
          where: lineOf(firstAt.span, later.subnet.span!),
        },
      });
    }
  },
});

function sameCidr(a: string, b: string): boolean {
  const x = cidrBounds(parseCidr(a));
  const y = cidrBounds(parseCidr(b));
  return !!x && !!y && x.first === y.first && x.last === y.last;
}
