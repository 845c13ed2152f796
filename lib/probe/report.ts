import { oneLine } from '../report/shared';
import { isSocketError, isSocketFinding } from './listening';
import { describe } from './verdicts';
import { KIND_TITLES, PROBE_KINDS, type CaseResult, type ProbeKind, type ProbeMode, type ProbeReport } from './types';

/** The character a cell prints, with `*` when the observation disagrees with the graph. */
export function cellText(r: CaseResult): string {
  if (r.case.skip || !r.final) return '-';
  if (r.flaky) return '~';
  if (r.final.reach === 'failed') return '!';
  const mark = r.final.reach === 'reachable' ? '.' : 'X';
  return r.agrees === false ? `${mark}*` : mark;
}

export interface Matrix {
  kind: ProbeKind;
  rows: string[];
  columns: string[];
  /** rows × columns; undefined where no case exists */
  cells: (string | undefined)[][];
}

export function matrices(report: ProbeReport): Matrix[] {
  const out: Matrix[] = [];
  for (const kind of PROBE_KINDS) {
    const list = report.results.filter((r) => r.case.kind === kind);
    if (!list.length) continue;
    const rows = [...new Set(list.map((r) => r.case.source))];
    const columns = [...new Set(list.map((r) => r.case.column))];
    const cells = rows.map((row) =>
      columns.map((col) => {
        const r = list.find((x) => x.case.source === row && x.case.column === col);
        return r ? cellText(r) : undefined;
      }),
    );
    out.push({ kind, rows, columns, cells });
  }
  return out;
}

/** The cell of one matrix, for tests and tools: `.`, `X`, `!`, `-`, `~`, with `*` on disagreement. */
export function cellOf(report: ProbeReport, kind: ProbeKind, source: string, column: string): string | undefined {
  const r = report.results.find((x) => x.case.kind === kind && x.case.source === source && x.case.column === column);
  return r ? cellText(r) : undefined;
}

/** How the header names each mode. */
const MODE_TITLES: Record<ProbeMode, string> = { twin: 'twin', attach: 'attached to the running project', real: 'the project brought up (--real)' };

/** Outside the twin: which container each row was probed from (a sidecar in its namespace). */
function probedFrom(report: ProbeReport): string[] {
  if ((report.probeMode ?? 'twin') === 'twin') return [];
  const rows = new Map<string, string>();
  for (const r of report.results) if (r.from && r.case.source !== 'host' && !rows.has(r.case.source)) rows.set(r.case.source, r.from);
  if (!rows.size) return [];
  return ['', "Probed from (a sidecar in each container's network namespace)", ...[...rows].map(([service, container]) => `  ${service}  ${container}`)];
}

function table(m: Matrix): string[] {
  // names escaped before they are measured, so the columns stay aligned
  const rows = m.rows.map(oneLine);
  const columns = m.columns.map(oneLine);
  const rowWidth = Math.max(...rows.map((r) => r.length), 4);
  const widths = columns.map((c) => Math.max(c.length, 2));
  const lines = [`  ${''.padEnd(rowWidth)}  ${columns.map((c, i) => c.padEnd(widths[i])).join('  ')}`.trimEnd()];
  rows.forEach((row, ri) => {
    lines.push(`  ${row.padEnd(rowWidth)}  ${m.cells[ri].map((cell, ci) => (cell ?? '').padEnd(widths[ci])).join('  ')}`.trimEnd());
  });
  return lines;
}

const LEGEND: Record<ProbeKind, string> = {
  dns: '. resolves  X does not',
  tcp: '. connects (or is refused: the path exists)  X no path',
  udp: '. echoes (or port unreachable: the path exists)  X no path',
  host: '. the twin answers on the host  X it does not',
};

/**
 * The text report. Every line goes through the lint formats' `oneLine`: names, values and the engine's
 * words come from the project or the engine, and their control characters (ESC, CR, LF) are escaped so
 * they can neither redraw the terminal nor start a line of their own (a GitHub workflow command).
 */
export function formatText(report: ProbeReport): string {
  const out: string[] = [];
  out.push(
    `compose-netlint probe: project "${report.project}" (${report.mode}), ${MODE_TITLES[report.probeMode ?? 'twin']}, run ${report.run}, engine ${report.engine.target ? `${report.engine.target} (${report.engine.version})` : report.engine.version} at ${report.engine.host}${report.engine.swarm ? ' (Swarm manager)' : ''}, image ${report.image}`,
  );
  for (const note of report.notes) out.push(`note: ${note}`);
  out.push('');
  out.push('Findings');
  if (!report.findings.length) out.push('  none');
  for (const v of report.findings) {
    const f = v.finding;
    out.push(`  ${f.file}:${f.line}:${f.column}  ${f.severity}  ${f.ruleId}${f.service ? `  ${f.service}` : ''}  ${v.verdict}`);
    if (isSocketFinding(f)) out.push(`      ${f.message}`);
    out.push(`      ${v.reason}`);
  }
  for (const m of matrices(report)) {
    out.push('');
    const legend = m.kind === 'host' && (report.probeMode ?? 'twin') !== 'twin' ? '. the application answers on the host  X it does not' : LEGEND[m.kind];
    out.push(`${KIND_TITLES[m.kind]} (${legend}  ! probe failed  - not probed  ~ flaky  * disagrees with the graph)`);
    out.push(...table(m));
  }
  out.push(...probedFrom(report));
  if (report.events.length) {
    out.push('');
    out.push('What the engine did');
    for (const e of report.events) out.push(`  ${e.message}`);
  }
  const disagreements = report.results.filter((r) => r.agrees === false);
  out.push('');
  out.push('Disagreements');
  const unpredicted = report.events.filter((e) => e.predicted === false);
  if (!disagreements.length && !unpredicted.length) out.push('  none');
  for (const e of unpredicted) out.push(`  no finding predicted this refusal: ${e.message}`);
  for (const r of disagreements) {
    out.push(`  ${describe(r.case)}: the graph predicts ${r.case.expect ? 'reachable' : 'blocked'} (${r.case.basis}); observed ${r.final!.reach}: ${r.final!.detail}${r.tries.length > 1 ? ` (${r.tries.length} tries)` : ''}`);
    if (r.reproduce) out.push(`    ${r.reproduce}`);
  }
  const failures = report.results.filter((r) => r.final && !r.flaky && r.final.reach === 'failed');
  if (failures.length) {
    out.push('');
    out.push('Probe failures (nothing was observed: they fail the run)');
    for (const r of failures) {
      out.push(`  ${describe(r.case)}: ${r.final!.detail}${r.tries.length > 1 ? ` (${r.tries.length} tries)` : ''}`);
      if (r.reproduce) out.push(`    ${r.reproduce}`);
    }
  }
  const refuted = report.findings.filter((v) => v.verdict === 'refuted');
  if (refuted.length) {
    out.push('');
    out.push('Refuted findings');
    for (const v of refuted) {
      out.push(`  ${v.finding.ruleId} at ${v.finding.file}:${v.finding.line}:${v.finding.column}: ${v.reason}`);
      for (const id of v.cases) {
        const r = report.results.find((x) => x.case.id === id);
        if (r?.reproduce) out.push(`    ${r.reproduce}`);
      }
    }
  }
  const flaky = report.results.filter((r) => r.flaky);
  if (flaky.length) {
    out.push('');
    out.push('Flaky (changed between tries)');
    for (const r of flaky) {
      out.push(`  ${describe(r.case)}: ${r.tries.map((t) => t.reach).join(', ')}`);
      if (r.reproduce) out.push(`    ${r.reproduce}`);
    }
  }
  const skipped = new Map<string, number>();
  for (const r of report.results) if (r.case.skip) skipped.set(r.case.skip, (skipped.get(r.case.skip) ?? 0) + 1);
  if (skipped.size) {
    out.push('');
    out.push('Not probed');
    for (const [reason, n] of skipped) out.push(`  ${n} cell${n === 1 ? '' : 's'}: ${reason}`);
  }
  out.push('');
  const s = report.summary;
  const observed = report.findings.filter((v) => isSocketError(v.finding)).length;
  const why = [
    s.disagreeing ? `${s.disagreeing} disagreeing` : '',
    s.unpredicted ? `${s.unpredicted} engine refusal${s.unpredicted === 1 ? '' : 's'} nothing predicted` : '',
    s.failed ? `${s.failed} probe${s.failed === 1 ? '' : 's'} failed` : '',
    refuted.length ? `${refuted.length} finding${refuted.length === 1 ? '' : 's'} refuted` : '',
    observed ? `${observed} error${observed === 1 ? '' : 's'} in the socket tables` : '',
  ].filter(Boolean);
  out.push(
    `${s.probes} probes, ${s.agreeing} agreeing, ${s.disagreeing} disagreeing, ${s.failed} failed, ${s.flaky} flaky, ${s.notProbed} not probed; wall time ${s.seconds.toFixed(1)}s${report.exitCode && why.length ? `; exit ${report.exitCode}: ${why.join(', ')}` : ''}`,
  );
  return `${out.map(oneLine).join('\n')}\n`;
}

export function formatJson(report: ProbeReport): string {
  const json = {
    run: report.run,
    project: report.project,
    mode: report.mode,
    probeMode: report.probeMode ?? 'twin',
    engine: report.engine,
    image: report.image,
    kept: report.kept,
    notes: report.notes,
    findings: report.findings.map((v) => ({ ...v.finding, verdict: v.verdict, reason: v.reason, cases: v.cases })),
    matrices: Object.fromEntries(matrices(report).map((m) => [m.kind, { rows: m.rows, columns: m.columns, cells: m.cells }])),
    cases: report.results.map((r) => ({
      id: r.case.id,
      kind: r.case.kind,
      source: r.case.source,
      column: r.case.column,
      expect: r.case.expect ? 'reachable' : 'blocked',
      basis: r.case.basis,
      ...(r.case.skip ? { skipped: r.case.skip } : {}),
      ...(r.final ? { observed: r.final.reach, outcome: r.final.outcome, detail: r.final.detail } : {}),
      ...(r.agrees !== undefined ? { agrees: r.agrees } : {}),
      ...(r.flaky ? { flaky: true } : {}),
      tries: r.tries.length,
      cell: cellText(r),
      ...(r.reproduce ? { reproduce: r.reproduce } : {}),
      ...(r.from ? { from: r.from } : {}),
    })),
    events: report.events,
    summary: report.summary,
    exitCode: report.exitCode,
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}

function xml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

export function formatJunit(report: ProbeReport): string {
  const suites: string[] = [];
  let total = 0;
  let failures = 0;
  let errors = 0;
  let skipped = 0;
  for (const kind of PROBE_KINDS) {
    const list = report.results.filter((r) => r.case.kind === kind);
    if (!list.length) continue;
    const cases: string[] = [];
    let f = 0;
    let e = 0;
    let s = 0;
    for (const r of list) {
      const name = xml(describe(r.case));
      let body = '';
      if (r.case.skip || !r.final) {
        body = `<skipped message="${xml(r.case.skip ?? 'not run')}"/>`;
        s++;
      } else if (r.agrees === false) {
        body = `<failure message="${xml(`predicted ${r.case.expect ? 'reachable' : 'blocked'}, observed ${r.final.reach}: ${r.final.detail}`)}">${xml(`${r.case.basis}\n${r.reproduce ?? ''}`)}</failure>`;
        f++;
      } else if (r.flaky) {
        body = `<error message="${xml(`flaky: ${r.tries.map((t) => t.reach).join(', ')}`)}"/>`;
        e++;
      } else if (r.final.reach === 'failed') {
        body = `<error message="${xml(r.final.detail)}"/>`;
        e++;
      }
      const from = r.from ? `<properties><property name="from" value="${xml(r.from)}"/></properties>` : '';
      cases.push(`    <testcase classname="probe.${kind}" name="${name}">${from}${body}</testcase>`);
    }
    total += list.length;
    failures += f;
    errors += e;
    skipped += s;
    suites.push(`  <testsuite name="probe.${kind}" tests="${list.length}" failures="${f}" errors="${e}" skipped="${s}">\n${cases.join('\n')}\n  </testsuite>`);
  }
  if (report.findings.length) {
    const cases: string[] = [];
    let f = 0;
    let s = 0;
    for (const v of report.findings) {
      const name = xml(`${v.finding.ruleId} ${v.finding.file}:${v.finding.line}:${v.finding.column}`);
      let body = '';
      if (v.verdict === 'refuted') {
        body = `<failure message="${xml(`refuted: ${v.reason}`)}">${xml(v.finding.message)}</failure>`;
        f++;
      } else if (v.verdict === 'not-probed') {
        body = `<skipped message="${xml(v.reason)}"/>`;
        s++;
      }
      cases.push(`    <testcase classname="probe.findings" name="${name}">${body}</testcase>`);
    }
    total += report.findings.length;
    failures += f;
    skipped += s;
    suites.push(`  <testsuite name="probe.findings" tests="${report.findings.length}" failures="${f}" errors="0" skipped="${s}">\n${cases.join('\n')}\n  </testsuite>`);
  }
  if (report.events.length) {
    // what the engine refused: a refusal nothing predicted fails, as a disagreeing cell does
    const f = report.events.filter((e) => e.predicted === false).length;
    const cases = report.events.map((e) => `    <testcase classname="probe.engine" name="${xml(e.message)}">${e.predicted === false ? '<failure message="no finding predicted this refusal"/>' : ''}</testcase>`);
    total += report.events.length;
    failures += f;
    suites.push(`  <testsuite name="probe.engine" tests="${report.events.length}" failures="${f}" errors="0" skipped="0">\n${cases.join('\n')}\n  </testsuite>`);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="compose-netlint probe" tests="${total}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${report.summary.seconds.toFixed(3)}">\n${suites.join('\n')}\n</testsuites>\n`;
}
