import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Finding, RelatedFinding, Severity } from '../engine/finding';
import type { Fix } from '../engine/fix';
import { HOMEPAGE, RULE_CATALOG, type RuleInfo } from './catalog';
import { fingerprints, slashPath } from './shared';
import type { Formatter, ProjectSummary } from './types';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

/**
 * SARIF 2.1.0: one run; every rule in `tool.driver.rules` (the loader's ids too); results with rule index,
 * level, a `%SRCROOT%`-relative location and region (columns in UTF-16 code units, end exclusive as in
 * every format here), related locations, a fingerprint that ignores line shifts, and an `inSource`
 * suppression carrying the reason for inline-suppressed findings, and each finding's fix as `fixes` (the same
 * text edits --fix applies). Rule descriptors carry `precision`, `tags` (the category, "compose-only" or
 * "stack-only", "fixable") and, for security rules, GitHub's `security-severity`. The invocation carries the
 * exit code, and the run's property bag the engine target (`engine`, when all projects share one) and the
 * projects linted (`projects[]`: name, mode, modeReason, files, engine).
 */
export const sarif: Formatter = ({ findings, sources, toolVersion, exitCode, projects }) => {
  const index = new Map(RULE_CATALOG.map((r, i) => [r.id, i]));
  const prints = fingerprints(findings, sources);
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'compose-netlint',
            version: toolVersion,
            semanticVersion: toolVersion,
            informationUri: HOMEPAGE,
            rules: RULE_CATALOG.map((r) => ({
              id: r.id,
              shortDescription: { text: r.description },
              fullDescription: { text: `${r.description} (${r.category}; ${r.severity} by default; see ${r.helpUri})` },
              helpUri: r.helpUri,
              help: { text: `${r.description}. Documentation: ${r.helpUri}`, markdown: `${r.description}. [Documentation](${r.helpUri})` },
              defaultConfiguration: { level: LEVEL[r.severity] },
              properties: descriptorProperties(r),
            })),
          },
        },
        invocations: [{ executionSuccessful: true, exitCode }],
        originalUriBaseIds: { '%SRCROOT%': { description: { text: 'the working directory compose-netlint ran in' } } },
        columnKind: 'utf16CodeUnits',
        results: findings.map((f, i) => result(f, index.get(f.ruleId), prints[i])),
        // the engine target the findings hold for, when every project was linted for the same one (each project names its own)
        properties: { ...engineOf(projects), projects },
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
};

function engineOf(projects: ProjectSummary[]): { engine?: string } {
  const engines = new Set(projects.map((p) => p.engine));
  const [only] = engines;
  return engines.size === 1 && only !== undefined ? { engine: only } : {};
}

function result(f: Finding, ruleIndex: number | undefined, fingerprint: string): Record<string, unknown> {
  const out: Record<string, unknown> = { ruleId: f.ruleId };
  if (ruleIndex !== undefined) out.ruleIndex = ruleIndex;
  out.level = LEVEL[f.severity];
  out.message = { text: f.message };
  out.locations = [{ physicalLocation: physical(f) }];
  if (f.related?.length) out.relatedLocations = f.related.map((r, i) => ({ id: i + 1, physicalLocation: physical(r), message: { text: r.message } }));
  out.partialFingerprints = { 'compose-netlint/v1': fingerprint };
  if (f.fix) out.fixes = [sarifFix(f.fix)];
  if (f.suppressed) out.suppressions = [{ kind: 'inSource', status: 'accepted', justification: f.suppressed.justification }];
  const properties: Record<string, string> = {};
  if (f.service !== undefined) properties.service = f.service;
  if (f.network !== undefined) properties.network = f.network;
  if (Object.keys(properties).length) out.properties = properties;
  return out;
}

/** A rule descriptor's property bag: SARIF `precision` and `tags`, and GitHub's `security-severity` (a string of a number, as GitHub reads it). */
function descriptorProperties(r: RuleInfo): Record<string, unknown> {
  const tags: string[] = [r.category];
  if (r.modes?.length === 1) tags.push(`${r.modes[0]}-only`);
  if (r.fix) tags.push('fixable');
  const out: Record<string, unknown> = { precision: r.precision, tags };
  if (r.securitySeverity !== undefined) out['security-severity'] = r.securitySeverity.toFixed(1);
  return out;
}

/** A fix as SARIF 2.1.0 §3.55: one artifactChange per file, each edit a replacement of a region (empty for an insertion). */
function sarifFix(fix: Fix): Record<string, unknown> {
  const byFile = new Map<string, Fix['edits']>();
  for (const e of fix.edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
  return {
    description: { text: `${fix.title} (${fix.safety})` },
    artifactChanges: [...byFile].map(([file, edits]) => ({
      artifactLocation: artifact(file),
      replacements: edits.map((e) => ({ deletedRegion: { startLine: e.line, startColumn: e.column, endLine: e.endLine, endColumn: e.endColumn }, insertedContent: { text: e.text } })),
    })),
  };
}

function physical(at: Pick<RelatedFinding, 'file' | 'line' | 'column' | 'endLine' | 'endColumn'>) {
  return {
    artifactLocation: artifact(at.file),
    region: { startLine: at.line, startColumn: at.column, endLine: at.endLine, endColumn: at.endColumn },
  };
}

/** A relative reference under `%SRCROOT%` (the working directory), or a `file:` URI for a path outside it on another drive. */
function artifact(file: string): { uri: string; uriBaseId?: string } {
  if (path.isAbsolute(file)) return { uri: pathToFileURL(file).href };
  return { uri: slashPath(file).split('/').map(encodeSegment).join('/'), uriBaseId: '%SRCROOT%' };
}

/** Percent-encodes what a URI path segment cannot hold; `:` stays encoded so a first segment never reads as a scheme. */
function encodeSegment(segment: string): string {
  return encodeURIComponent(segment).replace(/%(24|26|2B|2C|3B|3D|40)/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
