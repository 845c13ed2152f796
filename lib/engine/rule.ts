import type { NetworkGraph } from '../model/graph';
import type { Severity } from '../source/diagnostic';
import type { Subject } from './finding';
import type { ProbeLink } from './probe-link';
import type { Mode } from '../source/project';
import type { Span } from '../source/span';
import { sourceUrl } from '../util/package';

export type Category = 'correctness' | 'security' | 'portability' | 'style';

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

/** The page of a rule: `rules/<id>.md` at this version's tag (see sourceUrl). */
export function docsUrl(id: string): string {
  return sourceUrl(`rules/${id}.md`);
}
