import { defineRule } from '../lib/engine/rule';
import { closest } from '../lib/util/suggest';

export default defineRule({
  id: 'no-unused-network',
  category: 'style',
  severity: 'warning',
  description: 'Disallow declaring a network that no service uses',
  probe: { notProbed: 'an unused network carries no traffic: the twin does not create it' },
  messages: {
    unused: 'network "{{network}}" is declared but no service attaches to it; {{tool}} creates only the networks services use, ' + 'so this declaration has no effect. attach a service to it or remove it',
    unusedExternal: 'external network "{{network}}" is declared but no service attaches to it; {{tool}} never looks it up, ' + 'so this declaration has no effect. attach a service to it or remove it',
    unusedDefault:
      'network "default" is declared but no service joins it: every service lists its own "networks" or sets "network_mode", ' + 'so {{tool}} never creates it. remove it, or add "default" to the networks of the services that should use it',
  },
  check(graph, context) {
    const declared = [...graph.networks.values()].filter((n) => n.declared);
    const services = [...graph.services.values()];
    // a file without services is a fragment (merged with -f, included, or all behind inactive profiles)
    if (services.length === 0) return;
    // a `network_mode` the loader could not resolve may name any network: never report on a guess
    if (services.some((s) => s.networkMode?.unknown)) return;
    // `network_mode: <name>` joins a network by its key or by the name Docker knows it by
    const byMode = new Set(services.flatMap((s) => (s.networkMode?.value.kind === 'network' ? [s.networkMode.value.target!] : [])));
    // an attachment to an undeclared name is no-undefined-network's finding; when it is a near miss
    // of a declared network, that network is not unused but misspelt (one finding per root cause)
    const names = declared.map((n) => n.name);
    const misspelt = new Set<string>();
    for (const s of services) {
      for (const a of s.networks) {
        if (a.implicit || graph.networks.has(a.name)) continue;
        // an empty name is an unset variable: it may stand for any network
        if (a.name.trim() === '') return;
        const near = closest(a.name, names);
        if (near !== undefined) misspelt.add(near);
      }
    }
    // compose-go puts a service with an empty `networks` (`[]` or `{}`) and no `network_mode` on "default" too
    const joinsDefault = services.some((s) => !s.networkMode && s.networks.length === 0);
    const tool = graph.model.mode === 'stack' ? 'docker stack deploy' : 'Compose';
    // a network that only services of inactive profiles use is used whenever those profiles are on
    const usedByInactive = new Set([...graph.model.inactiveServices.values()].flatMap((s) => s.networks.map((a) => a.name)));
    for (const network of declared) {
      if (usedByInactive.has(network.name)) continue;
      if (graph.attachmentsOn(network.name).length > 0 || byMode.has(network.name) || byMode.has(network.dockerName) || misspelt.has(network.name)) continue;
      if (network.name === 'default' && joinsDefault) continue;
      const messageId = network.name === 'default' ? 'unusedDefault' : network.external?.value ? 'unusedExternal' : 'unused';
      context.report({ messageId, at: { span: network.span! }, network: network.name, data: { network: network.name, tool } });
    }
  },
});
