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

export interface Report {
  messageId: string;
  at: Place;
  data?: Record<string, string | number>;
  related?: { message: string; at: Place }[];
  service?: string;
  network?: string;
  /** what the finding is about, when more precise than `service` or `network` (a binding, a reference) */
  subject?: Subject;
}

export interface RuleContext<Options> {
  options: Options;
  report(report: Report): void;
}

export interface RuleDefinition<Options extends object = Record<string, never>> {
  /** equals the file name; kebab-case; permanent */
  id: string;
  category: Category;
  severity: Severity;
  /** no trailing period */
  description: string;
  messages: Record<string, string>;
  /** the modes the rule applies to (default: both) */
  modes?: Mode[];
  options?: { schema: Record<string, unknown>; defaults: Options };
  /** how the probe observes the rule's findings, or why it cannot (see probe-link.ts) */
  probe: ProbeLink;
  check(graph: NetworkGraph, context: RuleContext<Options>): void;
}

export type Rule = RuleDefinition<any>;

/** Declares a rule; the engine fills in ruleId, severity, category and docsUrl and checks every report. */
export function defineRule<Options extends object = Record<string, never>>(definition: RuleDefinition<Options>): RuleDefinition<Options> {
  return Object.freeze(definition);
}

/** The page of a rule: `rules/<id>.md` at this version's tag (see sourceUrl). */
export function docsUrl(id: string): string {
  return sourceUrl(`rules/${id}.md`);
}
