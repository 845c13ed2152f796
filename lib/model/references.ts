import type { Span } from '../source/span';
import type { Located, Service } from './types';

export type ReferenceKind = 'depends_on' | 'links' | 'external_links' | 'environment' | 'env_file' | 'command' | 'healthcheck';

/** A place where a service names another host. */
export interface Reference {
  source: string;
  name: string;
  port?: number;
  kind: ReferenceKind;
  /** the variable, for environment and env_file references */
  variable?: string;
  /** the scheme of the URL the name is the host of (`postgres` for `postgres://db`), lower case */
  scheme?: string;
  span: Span;
  origin?: Span;
  /** where `port` is written (its digits), when the name is followed by `:PORT` on one line as written */
  portSpan?: Span;
}

const HOST_VARIABLE = /(HOST|HOSTNAME|ADDR|ADDRESS|SERVER|URL|URI|DSN|ENDPOINT)$/i;
const HOST = '[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?)*';
// what follows a URL's scheme: "://[user[:password]@]host[:port]"; several hosts separated by commas are allowed (mongodb://a:1,b:2)
const AFTER_SCHEME = new RegExp(`://(?:[^\\s/@]*@)?((?:${HOST}(?::\\d{1,5})?)(?:,${HOST}(?::\\d{1,5})?)*)`, 'y');
const HOST_PORT = new RegExp(`(?<![\\w./:@-])(${HOST}):(\\d{1,5})(?![\\w.:-])`, 'g');
const WHOLE_HOST = new RegExp(`^(${HOST})(?::(\\d{1,5}))?$`);

interface Found {
  name: string;
  port?: number;
  start: number;
  end: number;
  /** found as the host of a URL (`scheme://host`): its scheme, lower case */
  scheme?: string;
}

/** A bracketed IPv6 loopback, `[::1]` or `[::1]:PORT`, anywhere in a text. */
const BRACKETED_LOOPBACK = /\[::1\](?::(\d{1,5}))?/g;

/**
 * Host names found in one text, with their offsets [start, end) in it and their ports, sorted by offset:
 * the hosts of URLs (`scheme://[userinfo@]host[:port][,host[:port]...]`), `host:port` pairs outside URLs,
 * and, for a variable whose name says it holds a host (`*_HOST`, `*_URL`…), a value that is one host.
 * Addresses (`10.0.0.1`) and all-digit names are left out, except loopback addresses (`127.0.0.1`, `[::1]`, and
 * `0.0.0.0` as a URL's host), which loopback.ts judges. Linear in the text's length.
 */
export function hostsIn(text: string, variable?: string): readonly Found[] {
  // made only when something is found, as most values (every environment value of every service comes here) name no
  // host. No two finds share an offset: a pair that starts within 6 characters after a URL's host is skipped below, a
  // bracketed loopback starts at a ":", where no host does, and a whole-value host is looked for only when none is found
  let found: Found[] | undefined;
  // a URL or a host:port pair has a colon; most values have none
  if (text.includes(':')) {
    found = urlHosts(text);
    const urls = found?.length ?? 0;
    // a pair within 6 characters after a host already found (its ":port") is that host's port: both
    // lists grow in text order, so the furthest end of the hosts that start before a match is a running maximum
    let next = 0;
    let furthest = -Infinity;
    HOST_PORT.lastIndex = 0;
    for (let match = HOST_PORT.exec(text); match; match = HOST_PORT.exec(text)) {
      const at = match.index;
      for (; next < urls && found![next].start <= at; next++) furthest = Math.max(furthest, found![next].end);
      if (at < furthest + 6) continue;
      if (/^\d+$/.test(match[1]) || Number(match[2]) > 65535) continue;
      (found ??= []).push({ name: match[1], port: Number(match[2]), start: at, end: at + match[1].length });
      furthest = Math.max(furthest, at + match[1].length);
    }
  }
  if (text.includes('[::1]')) {
    BRACKETED_LOOPBACK.lastIndex = 0;
    for (let match = BRACKETED_LOOPBACK.exec(text); match; match = BRACKETED_LOOPBACK.exec(text)) {
      const at = match.index + 1;
      if (match[1] !== undefined && Number(match[1]) > 65535) continue;
      (found ??= []).push({ name: '::1', port: match[1] === undefined ? undefined : Number(match[1]), start: at, end: at + 3 });
    }
  }
  if (variable && found === undefined && HOST_VARIABLE.test(variable)) {
    const trimmed = text.trim();
    const match = trimmed === '::1' ? (['::1', '::1'] as const) : WHOLE_HOST.exec(trimmed);
    if (match && (!/^\d+(\.\d+)*$/.test(match[1]) || isLoopbackIPv4(match[1]))) {
      const start = text.indexOf(match[1]);
      found = [{ name: match[1], port: match[2] ? Number(match[2]) : undefined, start, end: start + match[1].length }];
    }
  }
  if (found === undefined) return NONE;
  // addresses are not names, except the loopback ones, which always mean the container itself; 0.0.0.0 is a
  // client address only in a URL (elsewhere it is what a server listens on). Kept in place: the list is ours.
  let kept = 0;
  for (const f of found) if (!/^\d+(\.\d+){3}$/.test(f.name) || (isLoopbackIPv4(f.name) && (f.name !== '0.0.0.0' || f.scheme !== undefined))) found[kept++] = f;
  found.length = kept;
  return kept > 1 ? found.sort((a, b) => a.start - b.start) : found;
}

const NONE: readonly Found[] = Object.freeze([]);

/** 127.0.0.0/8, or 0.0.0.0 (which Linux connects to as the local host): see loopback.ts. */
function isLoopbackIPv4(name: string): boolean {
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name) || name === '0.0.0.0';
}

// character classes by code, as hostsIn runs on every value: [A-Za-z], [0-9], \w and a scheme's [A-Za-z0-9+.-]
const isLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isWordChar = (c: number): boolean => isLetter(c) || isDigit(c) || c === 95;
const isSchemeChar = (c: number): boolean => isLetter(c) || isDigit(c) || c === 43 || c === 46 || c === 45;

/**
 * The hosts of every URL in `text` (each host of its host list, with its port and the URL's scheme), leftmost first,
 * the URLs not overlapping: what the global regex `\b[A-Za-z][A-Za-z0-9+.-]*` followed by AFTER_SCHEME finds. That
 * regex, tried at every word boundary, rescans the scheme characters after each one (quadratic on "a.a.a.…:"); here
 * each "://" looks back once over the run of scheme characters before it, and the runs do not overlap. Undefined when
 * there is no URL.
 */
function urlHosts(text: string): Found[] | undefined {
  let out: Found[] | undefined;
  let from = 0;
  for (let sep = text.indexOf('://'); sep >= 0; sep = text.indexOf('://', sep + 1)) {
    if (sep < from) continue;
    let run = sep;
    while (run > from && isSchemeChar(text.charCodeAt(run - 1))) run--;
    // the leftmost letter in the run at a word boundary starts the scheme (charCodeAt(-1) is NaN: no word character)
    let start = run;
    while (start < sep && !(isLetter(text.charCodeAt(start)) && !isWordChar(text.charCodeAt(start - 1)))) start++;
    if (start === sep) continue;
    AFTER_SCHEME.lastIndex = sep;
    const match = AFTER_SCHEME.exec(text);
    if (!match) continue;
    const scheme = text.slice(start, sep).toLowerCase();
    let offset = sep + match[0].length - match[1].length;
    for (const part of match[1].split(',')) {
      const [name, port] = part.split(':');
      (out ??= []).push({ name, port: port ? Number(port) : undefined, start: offset, end: offset + name.length, scheme });
      offset += part.length + 1;
    }
    from = sep + match[0].length;
  }
  return out;
}

/** Variables that hold the address a server listens on (`BIND_ADDRESS`, `LISTEN_ADDR`, `HTTP_LISTEN`), not one it connects to. */
const LISTEN_VARIABLE = /(^|_)(LISTEN|BIND)(_|$)/i;

/**
 * Subcommands whose arguments are configuration the program stores for others to read, not addresses it
 * connects to, and the arguments after them that still are connections (the store's own address):
 * - `storeconfig` (Traefik 1.x, docs "Key-value store configuration": "storeconfig ... stores the static
 *   configuration into the key-value store"): every option but the store's own (`--consul.*`, `--etcd.*`,
 *   `--zookeeper.*`, `--boltdb.*`) is stored, not used;
 * - `put` (`etcdctl put KEY VALUE`, `consul kv put KEY VALUE`): the positional arguments are the key and the
 *   value; options (`--endpoints`, `-http-addr`) are connections.
 */
const STORE_COMMANDS: ReadonlyMap<string, (argument: string) => boolean> = new Map([
  ['storeconfig', (a: string) => !/^--?(consul|etcd|etcdv3|zookeeper|boltdb)[.=]/i.test(a)],
  ['put', (a: string) => !a.startsWith('-')],
]);

/**
 * The parts of a command that may name a host it connects to, as [item, start, end) offsets in the item:
 * every item whole, unless a word of STORE_COMMANDS comes first (as a list item, or a word of a one-string
 * command), after which each argument it stores is left out. Linear in the command's length.
 */
function connectionParts(command: readonly Located<string>[]): [Located<string>, number, number][] {
  const words: [Located<string>, number, number][] = [];
  for (const item of command) {
    if (command.length > 1) words.push([item, 0, item.value.length]);
    else for (const m of item.value.matchAll(/\S+/g)) words.push([item, m.index!, m.index! + m[0].length]);
  }
  const verb = words.findIndex(([item, from, to]) => STORE_COMMANDS.has(item.value.slice(from, to)));
  if (verb < 0) return command.map((item) => [item, 0, item.value.length]);
  const stored = STORE_COMMANDS.get(words[verb][0].value.slice(words[verb][1], words[verb][2]))!;
  return words.filter(([item, from, to], i) => i < verb || (i > verb && !stored(item.value.slice(from, to))));
}

/** A port after a host name, `:PORT` or `]:PORT`, matched where the name ends (sticky: no slice of the value). */
const PORT_DIGITS = /\]?:(\d{1,5})/y;

/** Narrows a value's span to characters [start, end) when the value sits on one line as written. */
export type Narrow = (value: Located<string>, start: number, end: number) => Span;

/** Every reference a service makes to another host. */
export function referencesOf(service: Service, narrow: Narrow): Reference[] {
  const out: Reference[] = [];
  // each reference is built field by field, never from a spread (`{ ...base, … }`): V8 (Node 20) gives each object whose
  // literal starts with a spread a hidden class of its own
  const source = service.name;
  for (const d of service.dependsOn) out.push({ source, name: d.value, kind: 'depends_on', span: d.span, ...(d.origin ? { origin: d.origin } : {}) });
  for (const l of service.links) out.push({ source, name: l.service, kind: 'links', span: l.span, ...(l.origin ? { origin: l.origin } : {}) });
  for (const l of service.externalLinks) out.push({ source, name: l.service, kind: 'external_links', span: l.span });
  const pushHost = (value: Located<string>, kind: ReferenceKind, h: Found, variable?: string): void => {
    const ref: Reference = { source, name: h.name, kind, span: narrow(value, h.start, h.end) };
    if (h.port !== undefined) {
      ref.port = h.port;
      // the digits after the name's ":" (after "]" for a bracketed address), as written (a leading zero included)
      PORT_DIGITS.lastIndex = h.end;
      const digits = PORT_DIGITS.exec(value.value);
      if (digits) ref.portSpan = narrow(value, h.end + digits[0].length - digits[1].length, h.end + digits[0].length);
    }
    if (h.scheme !== undefined) ref.scheme = h.scheme;
    if (variable) ref.variable = variable;
    if (value.origin) ref.origin = value.origin;
    out.push(ref);
  };
  const scan = (value: Located<string>, kind: ReferenceKind, variable?: string): void => {
    if (value.unknown) return;
    // a variable that names what a server listens on holds no reference to another host
    if (variable && LISTEN_VARIABLE.test(variable)) return;
    for (const h of hostsIn(value.value, variable)) pushHost(value, kind, h, variable);
  };
  for (const v of service.environment) if (v.value) scan(v.value, v.from, v.name);
  for (const [c, from, to] of connectionParts(service.command)) {
    if (from === 0 && to === c.value.length) scan(c, 'command');
    else for (const h of hostsIn(c.value.slice(from, to))) pushHost(c, 'command', { name: h.name, port: h.port, start: from + h.start, end: from + h.end, scheme: h.scheme });
  }
  for (const h of service.healthcheck) scan(h, 'healthcheck');
  return out;
}
