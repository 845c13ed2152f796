import { SEVERITY_RANK, type Finding } from '../engine/finding';
import { RULE_CATALOG } from './catalog';
import { oneLine, shown } from './shared';
import type { Formatter, ProjectSummary } from './types';

/**
 * JUnit XML: a testsuite per file (every Compose file linted, and any other file a finding is in), a
 * testcase per rule and file; a rule's error and warning findings in that file make one failure whose
 * message is the first finding and whose body lists them all with related locations. Info findings
 * leave the testcase passing and go to its system-out. A testsuite of a project's file opens with properties
 * naming the project, its mode and why (`project`, `mode`, `modeReason`, `engine`; once per project that reads the file).
 * No timestamps, so the same findings give the same bytes.
 */
export const junit: Formatter = ({ findings, projects }) => {
  const visible = shown(findings);
  const files = [...new Set([...projects.flatMap((p) => p.files), ...visible.map((f) => f.file)])].sort();
  const ids = [...new Set([...RULE_CATALOG.map((r) => r.id), ...visible.map((f) => f.ruleId)])].sort();
  const byKey = new Map<string, Finding[]>();
  for (const f of visible) {
    const key = `${f.file}\0${f.ruleId}`;
    const list = byKey.get(key);
    if (list) list.push(f);
    else byKey.set(key, [f]);
  }
  const suites: string[] = [];
  let allTests = 0;
  let allFailures = 0;
  for (const file of files) {
    const cases: string[] = [];
    let failures = 0;
    for (const id of ids) {
      const found = byKey.get(`${file}\0${id}`) ?? [];
      const failing = found.filter((f) => f.severity !== 'info');
      const infos = found.filter((f) => f.severity === 'info');
      const open = `    <testcase name="${attr(id)}" classname="${attr(file)}" time="0"`;
      if (found.length === 0) {
        cases.push(`${open}/>`);
        continue;
      }
      const body: string[] = [];
      if (failing.length) {
        failures++;
        const worst = failing.reduce((a, b) => (SEVERITY_RANK[b.severity] > SEVERITY_RANK[a.severity] ? b : a));
        const message = failing.length === 1 ? line(failing[0]) : `${failing.length} findings; first: ${line(failing[0])}`;
        body.push(`      <failure message="${attr(message)}" type="${worst.severity}">${text(failing.map(block).join('\n'))}</failure>`);
      }
      if (infos.length) body.push(`      <system-out>${text(infos.map(block).join('\n'))}</system-out>`);
      cases.push(`${open}>`, ...body, '    </testcase>');
    }
    allTests += ids.length;
    allFailures += failures;
    suites.push(`  <testsuite name="${attr(file)}" tests="${ids.length}" failures="${failures}" errors="0" skipped="0" time="0">`, ...properties(projects.filter((p) => p.files.includes(file))), ...cases, '  </testsuite>');
  }
  return ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="compose-netlint" tests="${allTests}" failures="${allFailures}" errors="0" time="0">`, ...suites, '</testsuites>', ''].join('\n');
};

function properties(projects: ProjectSummary[]): string[] {
  if (!projects.length) return [];
  const property = (name: string, value: string): string => `      <property name="${name}" value="${attr(value)}"/>`;
  const list = projects.flatMap((p) => [property('project', p.name), property('mode', p.mode), ...(p.modeReason ? [property('modeReason', p.modeReason)] : []), ...(p.engine ? [property('engine', p.engine)] : [])]);
  return ['    <properties>', ...list, '    </properties>'];
}

function line(f: Finding): string {
  return `${oneLine(f.file)}:${f.line}:${f.column}: ${f.severity}: ${f.message}`;
}

function block(f: Finding): string {
  const related = (f.related ?? []).map((r) => `\n  related ${oneLine(r.file)}:${r.line}:${r.column}: ${r.message}`).join('');
  return `${line(f)} [${f.ruleId}]${related}${f.docsUrl ? `\n  see ${f.docsUrl}` : ''}`;
}

/** Text content keeps a carriage return as a reference (parsers turn a literal CR LF into LF). */
function text(value: string): string {
  return legal(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

/** Characters XML 1.0 cannot hold at all (C0 controls but tab, LF, CR; lone surrogates; U+FFFE, U+FFFF) are written as `\uXXXX`. */
function legal(value: string): string {
  return value.replace(/[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
}

/** Attribute values also keep their quotes, tabs and line feeds (which parsers would otherwise normalise to spaces). */
function attr(value: string): string {
  return text(value).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;');
}
