import { bindingText } from '../model/ports';
import type { PortBinding } from '../model/types';
import type { Span } from '../source/span';

/**
 * Where another place is, for a message about `from`: `line 9`, or `other.yaml line 9` when it is in
 * another file. (Findings print their own file; a message names only the other place.)
 */
export function lineOf(other: Span, from: Span): string {
  return other.file === from.file ? `line ${other.line}` : `${other.file} line ${other.line}`;
}

/** `port "8080:80"` or `ports "8080:80", "9000/udp"`: each binding as written (lib/model/ports.ts bindingText), quoted. */
export function portList(bindings: readonly PortBinding[]): string {
  const texts = bindings.map((p) => `"${bindingText(p)}"`);
  return `${texts.length === 1 ? 'port' : 'ports'} ${texts.join(', ')}`;
}
