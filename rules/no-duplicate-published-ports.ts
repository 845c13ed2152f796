import { defineRule } from '../lib/engine/rule';
import type { PortClaim } from '../lib/model/graph';
import { formatPortRange } from '../lib/syntax/compose';

export default defineRule({
  id: 'no-duplicate-published-ports',
  category: 'correctness',
  severity: 'error',
  description: 'Disallow two bindings claiming the same host address, port and protocol',
  probe: { claim: 'port-conflict', cells: ['host'], events: ['bind-failed'] },
  messages: {
    published: 'host port "{{port}}" is published by both {{first}} and {{second}} (line {{line}}); the second container will fail to start. publish a different host port',
    publishedStartsLater:
      'host port "{{port}}" is published by both {{first}} and {{second}} (line {{line}}); Compose starts {{second}} first (a service starts after those it depends on through depends_on, links or network_mode), so the container of {{first}} will fail to start. publish a different host port',
    publishedTwice: 'host port "{{port}}" is published twice by service "{{service}}"{{addresses}} (also line {{line}}); Docker cannot bind it twice, so the service will not start. publish a different host port or drop one entry',
    hostNetwork: 'host port "{{port}}" is used by both {{first}} and {{second}} (line {{line}}); a service on the host network listens on the host itself, so the second to start will fail to bind. move one of them to a different port',
    poolMayCollide:
      'host range "{{port}}" of service "{{service}}" overlaps host port "{{other}}" that its container also publishes (line {{line}}); the engine hands the range the next free port after the last one it gave out, which may be that one, and then the container fails to start. use a host range apart from the container\'s other host ports',
    stack:
      'host port "{{port}}" is published by both "{{first}}" and "{{second}}" (line {{line}}); Swarm reserves an ingress port on every node of the cluster, so the second service is rejected or its tasks cannot bind. publish a different host port',
  },
  check(graph, context) {
    // the model's conflicts: one per offending entry (in Compose the one that starts later), against the entry it collides with
    for (const { claim, other, start, end } of graph.portConflicts()) {
      const port = `${formatPortRange({ start, end })}/${claim.protocol}`;
      const line = other.at.span.file === claim.at.span.file ? String(other.at.span.line) : `${other.at.span.line} of ${other.at.span.file}`;
      const related = [{ message: `host port "${port}" also claimed here`, at: other.at }];
      const subject = claim.binding !== undefined ? { kind: 'binding' as const, service: claim.service, index: claim.binding } : { kind: 'service' as const, service: claim.service };
      const base = { at: claim.at, related, service: claim.service, subject };
      if (claim.kind === 'listener' || other.kind === 'listener') {
        context.report({ ...base, messageId: 'hostNetwork', data: { port, first: label(claim), second: label(other), line } });
      } else if (claim.service === other.service) {
        const addresses = claim.ipText === other.ipText ? '' : ` (on ${address(claim)} and ${address(other)})`;
        context.report({ ...base, messageId: 'publishedTwice', data: { port, service: claim.service, addresses, line } });
      } else if (graph.model.mode === 'stack') {
        context.report({ ...base, messageId: 'stack', data: { port, first: claim.service, second: other.service, line } });
      } else if (graph.compareSpans(claim.at.span, other.at.span) < 0) {
        // the entry written first loses: its service starts later (startOrder)
        context.report({ ...base, messageId: 'publishedStartsLater', data: { port, first: label(claim), second: label(other), line } });
      } else {
        context.report({ ...base, messageId: 'published', data: { port, first: label(claim), second: label(other), line } });
      }
    }
    // a pool beside the container's own fixed ports: whether it collides depends on the engine's state (graph.ts BindingOutcome `uncertain`)
    for (const service of graph.services.values()) {
      for (const { index, binding, outcome } of graph.bindings(service.name)) {
        if (outcome.kind !== 'uncertain') continue;
        const other = outcome.collidesWith;
        const range = binding.published!.value;
        const overlap = { start: Math.max(range.start, other.start), end: Math.min(range.end, other.end) };
        const at = binding.text === undefined && binding.published ? binding.published : binding;
        const line = other.at.span.file === at.span.file ? String(other.at.span.line) : `${other.at.span.line} of ${other.at.span.file}`;
        context.report({
          at,
          related: [{ message: `host port "${formatPortRange(overlap)}/${other.protocol}" also published here`, at: other.at }],
          service: service.name,
          subject: { kind: 'binding', service: service.name, index },
          severity: 'warning',
          messageId: 'poolMayCollide',
          data: { port: `${formatPortRange(range)}/${binding.protocol}`, service: service.name, other: `${formatPortRange(overlap)}/${other.protocol}`, line },
        });
      }
    }
  },
});

function label(c: PortClaim): string {
  if (c.kind === 'listener') return `"${c.service}" (network_mode "host")`;
  return c.ipText === undefined ? `"${c.service}"` : `"${c.service}" on "${c.ipText}"`;
}

function address(c: PortClaim): string {
  return c.ipText === undefined ? 'all addresses' : `"${c.ipText}"`;
}
