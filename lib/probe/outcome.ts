import { parseBanner } from './scripts';
import type { Observation, Outcome, ProbeKind, Reach } from './types';

export interface RawResult {
  exit: number;
  text: string;
}

/** Splits the runner's output into each case's exit status and text. */
export function parseRunnerOutput(stdout: string): Map<string, RawResult> {
  const out = new Map<string, RawResult>();
  let current: { id: string; exit: number; lines: string[] } | undefined;
  const flush = (): void => {
    if (current) out.set(current.id, { exit: current.exit, text: current.lines.join('\n').trim() });
  };
  for (const line of stdout.split('\n')) {
    const m = /^@@cnl (\S+) (\d+)$/.exec(line);
    if (m) {
      flush();
      current = { id: m[1], exit: Number(m[2]), lines: [] };
    } else current?.lines.push(line);
  }
  flush();
  return out;
}

/** What a cell shows for an outcome: for a name, only an answer counts; for a connection, a refusal proves the path. */
export function reachOf(kind: ProbeKind, outcome: Outcome): Reach {
  if (outcome === 'failed') return 'failed';
  if (kind === 'dns') return outcome === 'ok' ? 'reachable' : 'blocked';
  if (kind === 'host') return outcome === 'ok' ? 'reachable' : 'blocked';
  return outcome === 'ok' || outcome === 'refused' ? 'reachable' : 'blocked';
}

function firstLine(text: string, pattern?: RegExp): string {
  const lines = text
    .split('\n')
    .map((l) => l.replace(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d socat\[\d+\] [EWN] /, '').trim())
    .filter(Boolean);
  return (pattern ? lines.find((l) => pattern.test(l)) : undefined) ?? lines[0] ?? '';
}

const TIMED_OUT = new Set([124, 143]);
const MISSING_TOOL = /not found|applet not found|No such file or directory|can't execute/i;

/** Classifies one name lookup (busybox nslookup, or the runner's /etc/hosts hit). */
export function classifyDns(raw: RawResult): Observation {
  const text = raw.text;
  const hosts = /^hosts-file (\S+)/m.exec(text);
  if (hosts) return { outcome: 'ok', reach: 'reachable', detail: `/etc/hosts: ${hosts[1]}`, addresses: [hosts[1]] };
  const addresses: string[] = [];
  let answered = false;
  for (const line of text.split('\n')) {
    if (/^Name:\s/.test(line)) answered = true;
    const a = /^Address(?: \d+)?:\s+(\S+)/.exec(line);
    if (answered && a) addresses.push(a[1].replace(/:53$/, ''));
  }
  if (raw.exit === 0 && addresses.length) return { outcome: 'ok', reach: 'reachable', detail: `answered ${addresses.join(', ')}`, addresses };
  if (/NXDOMAIN|can't find|server can't find|No answer/i.test(text)) return { outcome: 'nxdomain', reach: 'blocked', detail: firstLine(text, /NXDOMAIN|can't find|No answer/i) };
  if (/Connection refused|write to/i.test(text)) return { outcome: 'refused', reach: 'blocked', detail: `no resolver answers (${firstLine(text, /refused/i)})` };
  if (TIMED_OUT.has(raw.exit) || /timed out|no servers could be reached/i.test(text)) return { outcome: 'timeout', reach: 'blocked', detail: 'no answer: the embedded DNS does not know the name' };
  if (raw.exit === 127 || MISSING_TOOL.test(text)) return { outcome: 'failed', reach: 'failed', detail: firstLine(text) || 'nslookup is missing' };
  if (raw.exit === 0) return { outcome: 'nxdomain', reach: 'blocked', detail: 'no address in the answer' };
  return { outcome: 'failed', reach: 'failed', detail: firstLine(text) || `exit ${raw.exit}` };
}

/** The detail and identity fields of an observation answered by a twin listener's banner. */
export function answered(banner: { service?: string; run?: string }): Pick<Observation, 'detail' | 'answeredBy' | 'answeredRun'> {
  return {
    detail: `answered by ${banner.service ?? 'the twin'}${banner.run ? ` of run ${banner.run}` : ''}`,
    ...(banner.service ? { answeredBy: banner.service } : {}),
    ...(banner.run ? { answeredRun: banner.run } : {}),
  };
}

/** The detail of a TCP connection that was accepted without a twin banner: something other than the twin answered, or (attach, real) the application did. */
export const NO_BANNER = 'connected, but no twin banner';

/** Classifies a TCP connection from a container (socat or nc): a banner is "ok", a refusal proves the path. */
export function classifyTcp(raw: RawResult, kind: ProbeKind = 'tcp'): Observation {
  const text = raw.text;
  const banner = parseBanner(text);
  const reach = (o: Outcome): Reach => reachOf(kind, o);
  if (banner) return { outcome: 'ok', reach: reach('ok'), ...answered(banner) };
  if (/Connection refused|can't connect.*refused/i.test(text)) return { outcome: 'refused', reach: reach('refused'), detail: 'connection refused' };
  if (/Network is unreachable|No route to host|Host is unreachable/i.test(text)) return { outcome: 'timeout', reach: reach('timeout'), detail: firstLine(text, /unreachable|No route/i) };
  if (TIMED_OUT.has(raw.exit) || /timed out/i.test(text)) return { outcome: 'timeout', reach: reach('timeout'), detail: 'no answer (timed out)' };
  if (raw.exit === 127 || MISSING_TOOL.test(text)) return { outcome: 'failed', reach: 'failed', detail: firstLine(text) || 'the probe tool is missing' };
  if (raw.exit === 0) return { outcome: 'refused', reach: reach('refused'), detail: NO_BANNER };
  return { outcome: 'failed', reach: 'failed', detail: firstLine(text) || `exit ${raw.exit}` };
}

/** Classifies a UDP echo: the echo is "ok", an ICMP refusal proves the path, silence means blocked. */
export function classifyUdp(raw: RawResult, id: string): Observation {
  const text = raw.text;
  if (text.includes(`cnl-ping ${id}`)) return { outcome: 'ok', reach: 'reachable', detail: 'echoed' };
  if (/Connection refused/i.test(text)) return { outcome: 'refused', reach: 'reachable', detail: 'port unreachable (ICMP): the path exists' };
  if (/Network is unreachable|No route to host|Host is unreachable/i.test(text)) return { outcome: 'timeout', reach: 'blocked', detail: firstLine(text, /unreachable|No route/i) };
  if (raw.exit === 127 || MISSING_TOOL.test(text)) return { outcome: 'failed', reach: 'failed', detail: firstLine(text) || 'socat is missing' };
  if (raw.exit === 0 || TIMED_OUT.has(raw.exit)) return { outcome: 'timeout', reach: 'blocked', detail: 'no echo' };
  return { outcome: 'failed', reach: 'failed', detail: firstLine(text) || `exit ${raw.exit}` };
}
