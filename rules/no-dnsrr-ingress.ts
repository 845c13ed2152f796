import { lineOf } from '../lib/engine/messages';
import { defineRule, type Place } from '../lib/engine/rule';
import { shortPortOf } from '../lib/model/ports';
import { formatShortPort } from '../lib/syntax/compose';

export default defineRule({
  id: 'no-dnsrr-ingress',
  category: 'correctness',
  severity: 'error',
  description: 'Disallow ingress-mode published ports on a service with endpoint_mode dnsrr',
  modes: ['stack'],
  probe: { claim: 'engine-refuses', cells: [], events: ['create-failed'], message: /dnsrr|ingress/i, when: 'stack-on-swarm', otherwise: 'needs the stack on a Swarm manager' },
  messages: {
    ingress:
      'service "{{service}}" publishes port "{{port}}" in ingress mode but uses endpoint_mode "dnsrr" ({{where}}); the routing mesh needs ' +
      'the virtual IP that dnsrr does without, so Swarm rejects the service ("port published with ingress mode can\'t be used with dnsrr mode"). ' +
      'publish it with "mode: host" (long syntax), or use endpoint_mode "vip"',
  },
  check(graph, context) {
    for (const service of graph.services.values()) {
      const endpoint = service.endpointMode;
      if (!endpoint || endpoint.unknown || endpoint.value !== 'dnsrr') continue;
      service.ports.forEach((port, index) => {
        // a bare container port is published too: Swarm picks a host port for it in ingress mode
        if (port.invalid || port.mode !== 'ingress') return;
        const mode = port.modeValue;
        // a long-syntax `mode` from an unset variable is not known before run time
        if (mode?.unknown) return;
        // short syntax: the list item; long syntax: its `mode: ingress`, else the published (or target) port
        const at = port.text !== undefined ? port : mode ? { span: mode.span, ...(mode.origin ? { origin: mode.origin } : {}) } : (port.published ?? port.target);
        const related: { message: string; at: Place }[] = [{ message: 'endpoint_mode "dnsrr" is set here', at: endpoint }];
        if (endpoint.origin) related.push({ message: 'endpoint_mode "dnsrr" is defined here', at: { span: endpoint.origin } });
        context.report({
          messageId: 'ingress',
          at,
          service: service.name,
          subject: { kind: 'binding', service: service.name, index },
          data: { service: service.name, port: port.text ?? formatShortPort({ ...shortPortOf(port), hostIp: undefined }), where: lineOf(endpoint.span, port.span) },
          related,
        });
      });
    }
  },
});
