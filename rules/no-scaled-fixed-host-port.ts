import { defineRule, type Place } from '../lib/engine/rule';
import type { PortBinding } from '../lib/model/types';
import { formatExpose, formatPortRange } from '../lib/syntax/compose';

export default defineRule({
  id: 'no-scaled-fixed-host-port',
  category: 'correctness',
  severity: 'error',
  description: 'Disallow a fixed host port on a service that runs more replicas than can bind it',
  probe: { claim: 'replica-bind-fails', cells: [], events: ['bind-failed'] },
  messages: {
    fixed:
      'service "{{service}}" runs {{count}} replicas ({{where}}) but publishes fixed {{noun}} "{{port}}"; only one container can bind {{pronoun}}, the other replicas fail to start. ' +
      'publish only the container port ("{{target}}") for ephemeral host ports, or run one replica behind a load balancer',
    narrowRange:
      'service "{{service}}" runs {{count}} replicas ({{where}}) but host port range "{{port}}" has only {{width}}; the replicas left without a port fail to start. ' + 'widen the range to at least {{count}} ports, or publish only the container port',
    hostMode:
      'service "{{service}}" runs {{count}} replicas ({{where}}) publishing host port "{{port}}" in host mode; a node can run only one of them, so with fewer than {{count}} eligible nodes the rest stay pending. ' +
      'use deploy.mode "global", publish in ingress mode, or set deploy.placement.max_replicas_per_node to 1 to state the one-per-node layout',
  },
  check(graph, context) {
    const stack = graph.model.mode === 'stack';
    for (const service of graph.services.values()) {
      const { count, global, span } = service.replicas;
      if (global || count === undefined || count <= 1 || span === undefined) continue;
      // one per node already, or not known before run time
      if (stack && (service.maxReplicasPerNode?.value === 1 || service.maxReplicasPerNode?.unknown)) continue;
      const replicas = { message: `${count} replicas set here`, at: { span } };
      for (const binding of graph.publishedOnHost(service.name)) {
        const at = blame(binding);
        const where = at.span.file === span.file ? `line ${span.line}` : `line ${span.line} of ${span.file}`;
        const published = binding.published!.value;
        const target = binding.target.value;
        const port = `${formatPortRange(published)}/${binding.protocol}`;
        const base = { at, related: [replicas], service: service.name };
        const data = { service: service.name, count, where, port };
        if (stack) {
          // ingress ports go through the routing mesh: any number of replicas share them
          if (binding.mode === 'host') context.report({ ...base, messageId: 'hostMode', data });
          continue;
        }
        const width = published.end - published.start + 1;
        if (target.end > target.start || width === 1) {
          // one port, or a range mapped port for port: every replica needs all of it
          const noun = width === 1 ? { noun: 'host port', pronoun: 'it' } : { noun: 'host ports', pronoun: 'them' };
          context.report({ ...base, messageId: 'fixed', data: { ...data, ...noun, target: containerPorts(binding) } });
        } else if (width < count) {
          context.report({ ...base, messageId: 'narrowRange', data: { ...data, width: `${width} ports` } });
        }
      }
    }
  },
});

/** The short-syntax entry that publishes only the container port(s) of a binding. */
function containerPorts(binding: PortBinding): string {
  return formatExpose({ ports: binding.target.value, protocol: binding.protocol });
}

/** The list item for the short syntax, the `published` scalar for the long one. */
function blame(binding: PortBinding): Place {
  return binding.text === undefined && binding.published ? binding.published : binding;
}
