import { defineRule } from '../lib/engine/rule';

export default defineRule({
  id: 'no-invalid-port',
  category: 'correctness',
  severity: 'error',
  description: 'Disallow ports and expose entries that are not ports',
  probe: { notProbed: 'Docker refuses the entry before any container exists; the twin leaves invalid entries out' },
  messages: {
    port:
      '{{what}} of service "{{service}}" is not valid: {{why}}; Docker refuses it ("{{refusal}}"), so the service never starts. ' +
      'write [[HOST_IP:]HOST_PORT:]CONTAINER_PORT[/PROTOCOL] with ports from 1 to 65535 and protocol tcp, udp or sctp (long syntax: an address goes in "host_ip")',
    expose: 'an "expose" entry of service "{{service}}" is not valid: {{why}}; it declares no port any container can listen on. ' + 'write PORT[-END][/PROTOCOL] with ports from 1 to 65535',
  },
  check(graph, context) {
    for (const service of graph.services.values()) {
      service.ports.forEach((port, index) => {
        if (port.invalid === undefined || port.refusal === undefined || port.unknown) return;
        context.report({
          messageId: 'port',
          at: port,
          service: service.name,
          subject: { kind: 'binding', service: service.name, index },
          data: { service: service.name, what: port.text !== undefined ? `port "${port.text}"` : 'a long-syntax port', why: port.invalid, refusal: port.refusal },
        });
      });
      for (const entry of service.expose) {
        if (entry.invalid === undefined || entry.unknown) continue;
        context.report({ messageId: 'expose', at: entry, service: service.name, data: { service: service.name, why: entry.invalid } });
      }
    }
  },
});
