import { ENGINE_FACTS, type VersionRange } from '../../lib/model/engine-target';

/** A version range as the README shows it: `25.0+`, `< 29.0.4`, `25.0 to < 25.0.3`, `all`, or `—` (absent: not holding, or not known to hold). */
export function rangeText(range: VersionRange | undefined): string {
  if (!range) return '—';
  if (range.since && range.before) return `${range.since} to < ${range.before}`;
  if (range.since) return `${range.since}+`;
  if (range.before) return `< ${range.before}`;
  return 'all';
}

/** The README's table of version-dependent facts, generated from ENGINE_FACTS (npm run docs writes it; a test compares). */
export function engineFactsTable(): string {
  const rows = ENGINE_FACTS.map((f) => {
    const fact = f as { id: string; holds: string; docker?: VersionRange; podman?: VersionRange; rootless?: true; desktop?: true; source: string; verified?: string };
    const extra = [fact.rootless ? 'rootless engines only' : '', fact.desktop ? 'also Docker Desktop' : ''].filter(Boolean).join('; ');
    const checked = fact.verified ? `[e2e](${fact.verified})` : '';
    return `| \`${fact.id}\` | ${fact.holds.replace(/\|/g, '\\|')}${extra ? ` (${extra})` : ''} | ${rangeText(fact.docker)} | ${rangeText(fact.podman)} | [source](${fact.source}) | ${checked} |`;
  });
  return ['| fact | what holds | Docker | Podman | source | checked here |', '|---|---|---|---|---|---|', ...rows].join('\n');
}
