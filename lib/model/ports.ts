import { formatShortPort, type ShortPort } from '../syntax/compose';
import type { PortBinding, PortRange } from './types';

/**
 * How many ports of a binding's host range one container binds: every one when the container side
 * is a range too (paired port for port, as nat.ParsePortSpec pairs them: `-p 44990-44999:80-89`
 * binds 44990->80 up to 44999->89), and one when a host range is given for one container port.
 * That one is the next free port after the last one the engine's allocator handed out for the same
 * range, address and protocol (libnetwork's portallocator, findPort: round-robin from the range's
 * start, remembered for the daemon's lifetime). Checked on Docker 20.10: on a fresh range three
 * `-p 44980-44989:80` containers bound 44980, 44981 and 44982, and later runs went on from there,
 * so which port a container gets is known only once it has started.
 */
export function hostPortsPerContainer(published: PortRange, target: PortRange): number {
  return target.end > target.start ? published.end - published.start + 1 : 1;
}

/** A binding's parts in the short syntax's terms: the host IP as written, the published and target ranges, the protocol. */
export function shortPortOf(binding: PortBinding): ShortPort {
  return {
    ...(binding.hostIp ? { hostIp: binding.hostIp.value.text.replace(/^\[(.*)\]$/, '$1') } : {}),
    ...(binding.published ? { published: binding.published.value } : {}),
    target: binding.target.value,
    protocol: binding.protocol,
  };
}

/**
 * A binding as the user wrote it: the short-syntax text, or a long-syntax entry rendered in the short syntax
 * (lib/syntax/compose.ts formatShortPort; `protocol: 'always'` adds `/tcp`).
 */
export function bindingText(binding: PortBinding, options: Parameters<typeof formatShortPort>[1] = {}): string {
  return binding.text ?? formatShortPort(shortPortOf(binding), options);
}
