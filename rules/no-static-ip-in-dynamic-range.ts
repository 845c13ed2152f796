import { lineOf } from '../lib/engine/messages';
import { defineRule } from '../lib/engine/rule';
import { contains } from '../lib/model/address';
import { dynamicConfigHolding, dynamicRange } from '../lib/model/dynamic-range';
import { reservedAddress } from '../lib/model/reserved';
import { quotedList } from '../lib/util/suggest';

export default defineRule({
  id: 'no-static-ip-in-dynamic-range',
  category: 'correctness',
  severity: 'warning',
  description: 'Disallow a static address in the range Docker hands out to the other containers of its network',
  modes: ['compose'],
  probe: { notProbed: 'whether another container takes the address first depends on the order the containers start in; one run shows one order' },
  messages: {
    race:
      'static address "{{address}}" of service "{{service}}" on network "{{network}}" lies in "{{range}}" ({{where}}), the range Docker hands out to containers without a static address, ' +
      'and {{others}} on that network {{verb}} none; a container that starts before "{{service}}" (on any start: depends_on orders only "up", and after a reboot the engine restarts containers in any order) may be given "{{address}}", and "{{service}}" then fails to start ("Address already in use"). ' +
      'set "ip_range" to a part of the subnet that leaves the static addresses out, or give {{them}} too',
  },
  check(graph, context) {
    for (const network of graph.networks.values()) {
      // on an external network other projects' containers are not in the file: nothing to decide with
      if (!network.declared || network.external?.value === true || network.external?.unknown) continue;
      const attachments = graph.attachmentsOn(network.name);
      for (const attachment of attachments) {
        for (const [at, family] of [
          [attachment.ipv4, 'ipv4'],
          [attachment.ipv6, 'ipv6'],
        ] as const) {
          if (!at || at.unknown || !at.value.ip) continue;
          const config = dynamicConfigHolding(network, at.value);
          const range = config && dynamicRange(config);
          if (!range) continue;
          // an address the engine reserves for itself fails on every start: no-invalid-static-ip reports that root cause
          const home = network.ipam.find((c) => c.subnet && !c.subnet.unknown && contains(c.subnet.value, at.value));
          if (home && reservedAddress(network, home, at.value, graph.engineHas('macvlan-default-gateway'))) continue;
          // services on this network that take their address of this family from the range
          const dynamic = [...new Set(attachments.filter((a) => a.service !== attachment.service && !(family === 'ipv4' ? a.ipv4 : a.ipv6)).map((a) => a.service))].sort();
          if (dynamic.length === 0) continue;
          const first = attachments.find((a) => a.service === dynamic[0])!;
          // where the range is written, also when the network's config comes through an alias
          const rangeAt = { span: range.origin ?? range.span };
          const plural = dynamic.length > 1;
          context.report({
            messageId: 'race',
            at,
            service: attachment.service,
            network: network.name,
            data: {
              address: at.value.text,
              service: attachment.service,
              network: network.name,
              range: range.value.text,
              where: lineOf(rangeAt.span, at.span),
              others: `${plural ? 'services' : 'service'} ${quotedList(dynamic)}`,
              verb: plural ? 'ask for' : 'asks for',
              them: plural ? 'them static addresses' : 'it a static address',
            },
            related: [
              { message: `"${range.value.text}" set here`, at: rangeAt },
              { message: `"${dynamic[0]}" joins "${network.name}" without a static address here`, at: first.spec },
            ],
          });
        }
      }
    }
  },
});
