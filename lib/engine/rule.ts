import type { NetworkGraph } from '../model/graph';
import { RESERVED_IDS, type Severity } from '../source/diagnostic';
import type { Subject } from './finding';
import type { FixProposal, FixSafety } from './fix';
import type { ProbeLink } from './probe-link';
import type { Mode } from '../source/project';
import type { Span } from '../source/span';
import { sourceUrl } from '../util/package';

export type Category = 'correctness' | 'security' | 'portability' | 'style';

/** How often a finding of the rule is a real problem, in SARIF's words (`properties.precision` of a rule descriptor). */
export type Precision = 'very-high' | 'high' | 'medium' | 'low';

/** Something with a span: a Located value, a tree node, a name entry. `origin` is where an alias or merge key brought it from. */
export interface Place {
  span: Span;
  origin?: Span;
}

export interface Report<MessageId extends string = string> {
  /** a key of the rule's `messages` */
  messageId: MessageId;
  at: Place;
  data?: Record<string, string | number>;
  related?: { message: string; at: Place }[];
  service?: string;
  network?: string;
  /** what the finding is about, when more precise than `service` or `network` (a binding, a reference) */
  subject?: Subject;
  /** the edits that fix it, when the rule is sure of them (only in a rule that declares `fix`) */
  fix?: FixProposal;
  /**
   * this finding's severity when it differs from the rule's default, e.g. where the target engine accepts what older or
   * newer ones refuse (see lib/model/engine-target.ts); a level configured for the rule (`rules:`, `--rule`) overrides it
   */
  severity?: Severity;
}

export interface RuleContext<Options, MessageId extends string = string> {
  options: Options;
  report(report: Report<MessageId>): void;
}

/** A rule as written: `MessageId` is inferred from the keys of `messages`, so a report with any other messageId does not compile. */
export interface RuleDefinition<Options extends object = Record<string, never>, MessageId extends string = string> {
  /** equals the file name; kebab-case; permanent */
  id: string;
  category: Category;
  severity: Severity;
  /** no trailing period */
  description: string;
  messages: Record<MessageId, string>;
  /** the modes the rule applies to (default: both) */
  modes?: Mode[];
  options?: { schema: Record<string, unknown>; defaults: Options };
  /** how the probe observes the rule's findings, or why it cannot (see probe-link.ts) */
  probe: ProbeLink;
  /**
   * SARIF `precision`; default `very-high`: the finding follows from what Docker does with the file as written.
   * Rules that infer intent (a port number standing for a datastore, a host name in a command) say `high` or lower.
   */
  precision?: Precision;
  /**
   * For `security` rules (and only them): GitHub code scanning's `security-severity`, a CVSS-like score from
   * 0.1 to 10 (4.0 and up shows as Medium, 7.0 and up as High, 9.0 and up as Critical).
   */
  securitySeverity?: number;
  /** the rule's reports may carry a fix, and what applying it does (its doc's Fix section says the same) */
  fix?: FixSafety;
  check(graph: NetworkGraph, context: RuleContext<Options, MessageId>): void;
}

/**
 * A registered rule as the engine runs it: its options and message keys erased (the engine validates options
 * against the rule's schema and checks every messageId against `messages` at run time).
 */
export interface Rule extends Omit<RuleDefinition<Record<string, unknown>, string>, 'check'> {
  check(graph: NetworkGraph, context: RuleContext<Record<string, unknown>, string>): void;
}

/** Declares a rule; the engine fills in ruleId, severity, category and docsUrl and checks every report. */
export function defineRule<Options extends object = Record<string, never>, MessageId extends string = string>(definition: RuleDefinition<Options, MessageId>): Rule {
  // the one place the types are erased: a rule's check reads its own options and reports its own messageIds
  return Object.freeze(definition) as unknown as Rule;
}

/** The page of a rule, `rules/<id>.md`, at this version's tag (see sourceUrl); that of a finding that is no rule's own (RESERVED_IDS) is the README section describing them, except `ambiguous-mode`, which has its own. */
export function docsUrl(id: string): string {
  if (id === 'ambiguous-mode') return sourceUrl('README.md#compose-or-stack-mode');
  return (RESERVED_IDS as readonly string[]).includes(id) ? sourceUrl('README.md#output') : sourceUrl(`rules/${id}.md`);
}
