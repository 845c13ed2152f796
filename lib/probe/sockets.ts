/**
 * The socket tables of a network namespace, as the kernel prints them in /proc/net/tcp, tcp6, udp and udp6
 * (Linux Documentation/networking/proc_net_tcp.rst; net/ipv4/tcp_ipv4.c get_tcp4_sock, net/ipv6/tcp_ipv6.c
 * get_tcp6_sock, net/ipv4/udp.c udp4_format_sock). The files belong to the namespace of the process that
 * reads them, so a sidecar that joins a container's namespace (`network_mode: container:<id>`) reads
 * the container's sockets.
 */

/** A socket that waits for peers: a TCP socket in LISTEN, or a bound UDP socket with no peer. */
export interface Listener {
  protocol: 'tcp' | 'udp';
  /** the local address as text: `0.0.0.0`, `127.0.0.1`, `::`, `::1`, `::ffff:127.0.0.1` */
  address: string;
  port: number;
  /** `any`: every address of its family (0.0.0.0, ::); `loopback`: 127.0.0.0/8, ::1 or ::ffff:127.x; `specific`: one other address */
  scope: 'any' | 'loopback' | 'specific';
}

/** The files read, in order; each is printed after a line `@@cnl-sockets <name>` (SOCKETS_SCRIPT). */
export const SOCKET_FILES = ['tcp', 'tcp6', 'udp', 'udp6'] as const;

/** Prints each socket table after a marker line. Constant text; no argument. A missing file (no IPv6) prints nothing. */
export const SOCKETS_SCRIPT = `for f in ${SOCKET_FILES.join(' ')}; do echo "@@cnl-sockets $f"; cat "/proc/net/$f" 2>/dev/null; done; exit 0`;

/** TCP_LISTEN in include/net/tcp_states.h. */
const TCP_LISTEN = '0A';
/** TCP_CLOSE: the state of a bound UDP socket with no peer (udp4_format_sock prints sk_state). */
const UDP_UNCONNECTED = '07';

/** A 32-bit word of /proc/net as the kernel prints it: the in-memory value in hex, so on little-endian hosts the bytes are reversed. */
function wordBytes(hex: string): number[] {
  const bytes = [0, 2, 4, 6].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return bytes.reverse();
}

/** Reads the address of a `local_address` field (`0100007F:1F90`, or 32 hex digits for IPv6), little-endian words (x86, arm64). */
export function parseAddress(hex: string): string | undefined {
  if (/^[0-9A-Fa-f]{8}$/.test(hex)) return wordBytes(hex).join('.');
  if (!/^[0-9A-Fa-f]{32}$/.test(hex)) return undefined;
  const bytes = [0, 8, 16, 24].flatMap((i) => wordBytes(hex.slice(i, i + 8)));
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) return `::ffff:${bytes.slice(12).join('.')}`;
  const groups = [0, 2, 4, 6, 8, 10, 12, 14].map((i) => ((bytes[i] << 8) | bytes[i + 1]).toString(16));
  // the longest run of zero groups (two or more) becomes "::" (RFC 5952 4.2)
  let best = { at: -1, length: 0 };
  for (let i = 0; i < 8;) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > best.length && j - i > 1) best = { at: i, length: j - i };
    i = j;
  }
  if (best.at < 0) return groups.join(':');
  return `${groups.slice(0, best.at).join(':')}::${groups.slice(best.at + best.length).join(':')}`;
}

/** How far a listener on `address` can be reached: from everywhere, from loopback only, or on one address. */
export function addressScope(address: string): Listener['scope'] {
  if (address === '0.0.0.0' || address === '::') return 'any';
  if (/^127\./.test(address) || address === '::1' || /^::ffff:127\./.test(address)) return 'loopback';
  return 'specific';
}

/**
 * Reads the output of SOCKETS_SCRIPT into the listeners it shows: TCP sockets in LISTEN and UDP sockets
 * bound with no peer (remote address all zero). Lines that are not socket rows are skipped.
 */
export function parseSocketTables(text: string): Listener[] {
  const out: Listener[] = [];
  const seen = new Set<string>();
  let file: string | undefined;
  for (const line of text.split('\n')) {
    const marker = /^@@cnl-sockets (\S+)/.exec(line);
    if (marker) {
      file = marker[1];
      continue;
    }
    const fields = line.trim().split(/\s+/);
    if (!file || !/^\d+:$/.test(fields[0] ?? '')) continue;
    const [local, remote, state] = fields.slice(1, 4);
    const protocol = file.startsWith('tcp') ? 'tcp' : 'udp';
    if (protocol === 'tcp' ? state !== TCP_LISTEN : state !== UDP_UNCONNECTED || !/^0+:0000$/.test(remote ?? '')) continue;
    const [addressHex, portHex] = (local ?? '').split(':');
    const address = parseAddress(addressHex ?? '');
    const port = parseInt(portHex ?? '', 16);
    if (!address || !Number.isInteger(port)) continue;
    const key = `${protocol} ${address} ${port}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ protocol, address, port, scope: addressScope(address) });
  }
  return out;
}

/**
 * Docker's embedded DNS listens inside every container on a user-defined network on 127.0.0.11, TCP and UDP,
 * at ports it picks (libnetwork resolver_unix.go: iptables DNAT from 127.0.0.11:53 to them): they are the
 * engine's, not the application's.
 */
export function isEngineListener(l: Listener): boolean {
  return l.address === '127.0.0.11';
}
