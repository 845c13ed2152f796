import type Ajv from 'ajv';
import { ajvDraft7 } from '../util/ajv';
import type { NetworkGraph } from '../model/graph';
import type { Severity } from '../source/diagnostic';
import { compareFindings, flatten, type Finding } from './finding';
import type { FixResolver } from './fix';
import { docsUrl, type Place, type Report, type Rule } from './rule';

export type Level = Severity | 'off';

export interface RuleSetting {
  level: Level;
  options?: Record<string, unknown>;
}

let ajv: Ajv | undefined;
const validators = new WeakMap<Rule, ReturnType<Ajv['compile']>>();

/** A rule broke the reporting contract: a bug in the rule, never in the user's file. */
export class RuleError extends Error {
  constructor(ruleId: string, message: string) {
    super(`rule "${ruleId}": ${message}`);
    this.name = 'RuleError';
  }
}

/** Resolves a rule's options (defaults, then the configured ones) and validates them; returns the error text when invalid. */
export function ruleOptions(rule: Rule, given: Record<string, unknown> | undefined): { options: Record<string, unknown>; error?: string } {
  const options = { ...(rule.options?.defaults ?? {}), ...(given ?? {}) };
  if (!rule.options) return given && Object.keys(given).length ? { options, error: `rule "${rule.id}" takes no options` } : { options };
  // the defaults alone are valid (a meta-test checks them): compiling a schema costs more than a small project's lint
  if (!given) return { options };
  let validate = validators.get(rule);
  if (!validate) validators.set(rule, (validate = (ajv ??= new (ajvDraft7())({ allErrors: true, useDefaults: true, strict: false })).compile(rule.options.schema)));
  if (!validate(options)) {
    const e = validate.errors![0];
    return { options, error: `options of rule "${rule.id}"${e.instancePath ? ` at ${e.instancePath}` : ''} ${e.message}` };
  }
  return { options };
}

/**
 * Runs each enabled rule over the frozen graph and returns its findings, sorted. A report's fix becomes the
 * finding's `fix` through `resolveFix` (lib/fix, which reads the project's text); without one, findings carry no fix.
 */
export function runRules(graph: NetworkGraph, rules: readonly Rule[], settings: ReadonlyMap<string, RuleSetting> = new Map(), resolveFix?: FixResolver): Finding[] {
  const findings: Finding[] = [];
  for (const rule of rules) {
    const setting = settings.get(rule.id);
    const level = setting?.level ?? rule.severity;
    if (level === 'off') continue;
    // a configured level decides every finding; otherwise a report may say its own (the engine target's) severity
    const configured = setting?.level !== undefined;
    if (rule.modes && !rule.modes.includes(graph.model.mode)) continue;
    const { options, error } = ruleOptions(rule, setting?.options);
    if (error) throw new RuleError(rule.id, error);
    const seen = new Set<string>();
    rule.check(graph, {
      options,
      report: (report) => {
        const finding = toFinding(rule, configured || !report.severity ? level : report.severity, report, resolveFix);
        const key = `${finding.file}:${finding.line}:${finding.column}:${finding.message}`;
        if (seen.has(key)) return;
        seen.add(key);
        findings.push(finding);
      },
    });
  }
  return findings.sort(compareFindings);
}

function toFinding(rule: Rule, severity: Severity, report: Report, resolveFix: FixResolver | undefined): Finding {
  const template = rule.messages[report.messageId];
  if (template === undefined) throw new RuleError(rule.id, `unknown messageId "${report.messageId}"`);
  if (!isPlace(report.at)) throw new RuleError(rule.id, `report "${report.messageId}" has no span`);
  const message = template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => {
    const value = report.data?.[name];
    if (value === undefined) throw new RuleError(rule.id, `message "${report.messageId}" needs "${name}"`);
    return String(value);
  });
  const finding: Finding = { ruleId: rule.id, severity, message, ...flatten(report.at.span), category: rule.category, docsUrl: docsUrl(rule.id) };
  const related = (report.related ?? []).map((r) => {
    if (!isPlace(r.at)) throw new RuleError(rule.id, `related location "${r.message}" has no span`);
    return { message: r.message, ...flatten(r.at.span) };
  });
  // a value that came through an alias or merge key is blamed at its use site; the anchor goes in related
  if (report.at.origin) related.push({ message: 'value defined here', ...flatten(report.at.origin) });
  if (related.length) finding.related = related;
  if (report.service) finding.service = report.service;
  if (report.network) finding.network = report.network;
  finding.messageId = report.messageId;
  if (report.data) finding.data = { ...report.data };
  const subject = report.subject ?? (report.service ? { kind: 'service' as const, service: report.service } : report.network ? { kind: 'network' as const, network: report.network } : undefined);
  if (subject) finding.subject = subject;
  if (report.fix) {
    if (!rule.fix) throw new RuleError(rule.id, `report "${report.messageId}" has a fix but the rule declares none`);
    const edits = resolveFix?.(report.fix);
    if (edits) finding.fix = { title: report.fix.title, safety: rule.fix, edits };
  }
  return finding;
}

function isPlace(at: Place | undefined): at is Place {
  return !!at && !!at.span && typeof at.span.line === 'number' && typeof at.span.file === 'string';
}
