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
  span: Span;
  origin?: Span;
}

const HOST_VARIABLE = /(HOST|HOSTNAME|ADDR|ADDRESS|SERVER|URL|URI|DSN|ENDPOINT)$/i;
const HOST = '[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?)*';
// scheme://[user[:password]@]host[:port]; several hosts separated by commas are allowed (mongodb://a:1,b:2)
const URL = new RegExp(`\\b[A-Za-z][A-Za-z0-9+.-]*://(?:[^\\s/@]*@)?((?:${HOST}(?::\\d{1,5})?)(?:,${HOST}(?::\\d{1,5})?)*)`, 'g');
const HOST_PORT = new RegExp(`(?<![\\w./:@-])(${HOST}):(\\d{1,5})(?![\\w.:-])`, 'g');
const WHOLE_HOST = new RegExp(`^(${HOST})(?::(\\d{1,5}))?$`);

/** Host names found in one text, with their offsets and ports. */
export function hostsIn(text: string, variable?: string): { name: string; port?: number; start: number; end: number }[] {
  const found = new Map<number, { name: string; port?: number; start: number; end: number }>();
  // a URL or a host:port pair has a colon; most values have none
  if (text.includes(':')) {
    for (const match of text.matchAll(URL)) {
      let offset = match.index! + match[0].length - match[1].length;
      for (const part of match[1].split(',')) {
        const [name, port] = part.split(':');
        found.set(offset, { name, port: port ? Number(port) : undefined, start: offset, end: offset + name.length });
        offset += part.length + 1;
      }
    }
    for (const match of text.matchAll(HOST_PORT)) {
      if ([...found.values()].some((f) => match.index! >= f.start && match.index! < f.end + 6)) continue;
      if (/^\d+$/.test(match[1]) || Number(match[2]) > 65535) continue;
      found.set(match.index!, { name: match[1], port: Number(match[2]), start: match.index!, end: match.index! + match[1].length });
    }
  }
  if (variable && HOST_VARIABLE.test(variable) && found.size === 0) {
    const match = WHOLE_HOST.exec(text.trim());
    if (match && !/^\d+(\.\d+)*$/.test(match[1])) {
      const start = text.indexOf(match[1]);
      found.set(start, { name: match[1], port: match[2] ? Number(match[2]) : undefined, start, end: start + match[1].length });
    }
  }
  return [...found.values()].filter((f) => !/^\d+(\.\d+){3}$/.test(f.name)).sort((a, b) => a.start - b.start);
}

/** Narrows a value's span to characters [start, end) when the value sits on one line as written. */
export type Narrow = (value: Located<string>, start: number, end: number) => Span;

/** Every reference a service makes to another host. */
export function referencesOf(service: Service, narrow: Narrow): Reference[] {
  const out: Reference[] = [];
  const base = { source: service.name };
  for (const d of service.dependsOn) out.push({ ...base, name: d.value, kind: 'depends_on', span: d.span, ...(d.origin ? { origin: d.origin } : {}) });
  for (const l of service.links) out.push({ ...base, name: l.service, kind: 'links', span: l.span, ...(l.origin ? { origin: l.origin } : {}) });
  for (const l of service.externalLinks) out.push({ ...base, name: l.service, kind: 'external_links', span: l.span });
  const scan = (value: Located<string>, kind: ReferenceKind, variable?: string): void => {
    if (value.unknown) return;
    for (const h of hostsIn(value.value, variable)) {
      const ref: Reference = { ...base, name: h.name, kind, span: narrow(value, h.start, h.end) };
      if (h.port !== undefined) ref.port = h.port;
      if (variable) ref.variable = variable;
      if (value.origin) ref.origin = value.origin;
      out.push(ref);
    }
  };
  for (const v of service.environment) if (v.value) scan(v.value, v.from, v.name);
  for (const c of service.command) scan(c, 'command');
  for (const h of service.healthcheck) scan(h, 'healthcheck');
  return out;
}
