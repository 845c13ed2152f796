import { lineOf } from '../lib/engine/messages';
import { defineRule } from '../lib/engine/rule';
import { defaultPoolOverlapping, LOCAL_SCOPE_DRIVERS } from '../lib/model/default-pools';
import type { Network } from '../lib/model/types';

/** docker0's pool: a subnet there is no-overlapping-subnets' (its default `avoid`), refused on every default engine. */
const DOCKER0 = '172.17.0.0/16';

export default defineRule({
  id: 'no-subnet-in-default-pool',
  category: 'correctness',
  severity: 'warning',
  description: "Disallow fixed subnets inside the engine's default address pools when other networks of the project are allocated from them",
  // docker stack deploy creates overlays, which draw on Swarm's global pool instead
  modes: ['compose'],
  probe: { notProbed: 'whether the pool is taken first depends on what else the engine holds; the twin allocates its own subnets' },
  messages: {
    inPool:
      'subnet "{{subnet}}" of network "{{network}}" lies in the engine\'s default address pool "{{pool}}", from which it also allocates network "{{auto}}" ' +
      '(no subnet given{{where}}) and the networks of other projects; whenever one of those takes this range first, the engine refuses to create "{{network}}" ' +
      '("Pool overlaps with other one on this address space"). choose a subnet outside the default pools (172.17.0.0/16 to 172.31.0.0/16, 192.168.0.0/16), such as one in 10.0.0.0/8 that your hosts do not route elsewhere',
  },
  check(graph, context) {
    const created = [...graph.networks.values()].filter((n) => n.external?.value !== true && graph.attachmentsOn(n.name).length > 0 && LOCAL_SCOPE_DRIVERS.includes(n.driver) && !n.driverUnknown);
    const defaultIpam = (n: Network) => n.ipamDriver === undefined || (!n.ipamDriver.unknown && n.ipamDriver.value === 'default');
    const automatic = created.filter((n) => defaultIpam(n) && n.ipam.every((c) => c.subnet === undefined)).sort((a, b) => (a.name < b.name ? -1 : 1));
    if (automatic.length === 0) return;
    for (const network of created) {
      if (!defaultIpam(network)) continue;
      for (const config of network.ipam) {
        const subnet = config.subnet;
        if (!subnet || subnet.unknown) continue;
        const pool = defaultPoolOverlapping(subnet.value);
        if (!pool || pool.base === DOCKER0) continue;
        const auto = automatic[0];
        context.report({
          messageId: 'inPool',
          at: subnet,
          network: network.name,
          data: { subnet: subnet.value.text, network: network.name, pool: pool.base, auto: auto.name, where: auto.span ? `, ${lineOf(auto.span, subnet.span)}` : ', the network Compose adds for services without "networks"' },
          ...(auto.span ? { related: [{ message: `network "${auto.name}" is allocated automatically`, at: { span: auto.span } }] } : {}),
        });
      }
    }
  },
});
