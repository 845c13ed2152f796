import type { Service } from '../model/types';
import type { Span } from '../source/span';

/**
 * What applying a rule's fix does to the project: `safe` keeps what Docker does (it removes what Docker
 * ignores or refuses anyway), `changes-behaviour` changes what runs (who can reach a port, how traffic is
 * carried). Each fixable rule states it in its `fix` and in its doc's Fix section.
 */
export type FixSafety = 'safe' | 'changes-behaviour';

/**
 * One edit as a rule states it, on the spans the model gives it (rules never see YAML text); the fix engine
 * (lib/fix) turns it into text, and drops the whole fix when the place is not plainly written where the span
 * says (an alias, a merge key, an interpolated value, a flow collection where a block one is needed):
 * - `set`: the scalar at `at` (its whole node, quotes included) becomes `value`, in the scalar's own quoting
 *   style where that can hold it; `expect` is the value the rule read, and the edit is refused when the
 *   text says otherwise (an interpolated `${VAR}` the rule saw expanded);
 * - `replace`: the text `expect` that starts where `at` starts (a host name inside a value, with its port)
 *   becomes `value`, refused unless the file says exactly `expect` there and `value` needs no quoting
 *   (letters, digits, `.`, `_`, `-`, `:`), so that it fits any scalar style and env files alike;
 * - `remove`: the mapping entry whose key is at `key`, with its whole value, as whole lines;
 * - `add`: in the block mapping at `in` (a key's span: the mapping that is its value; or a mapping's own
 *   span), the keys of `path` (descending into those already there) and then `value`: a string is written
 *   double-quoted, a list as a block sequence of double-quoted strings (appended to the list when the last
 *   key is already a block sequence).
 */
export type FixEdit = { op: 'set'; at: Span; value: string; expect: string } | { op: 'replace'; at: Span; value: string; expect: string } | { op: 'remove'; key: Span } | { op: 'add'; in: Span; path: string[]; value: string | string[] };

/** A fix as a rule proposes it in `context.report({ fix })`: a one-line title for editors and the edits. */
export interface FixProposal {
  /** what the fix does, lowercase, no trailing period: `bind host port "5432" to 127.0.0.1` */
  title: string;
  edits: FixEdit[];
}

/** A text edit: the text between the span's start and end (1-based, end exclusive, UTF-16 columns) becomes `text`; an empty span inserts. */
export interface TextEdit extends Span {
  text: string;
}

/** A fix as findings carry it (and SARIF `fixes`, editor code actions and `--fix` apply it): edits that do not overlap, in file order. */
export interface Fix {
  title: string;
  safety: FixSafety;
  edits: TextEdit[];
}

/** Turns a rule's proposal into text edits, or undefined when the right change is not certain (see FixEdit). */
export type FixResolver = (proposal: FixProposal) => TextEdit[] | undefined;

/**
 * The proposal that removes key `name` ("ports", "expose") of `service`, whose list `entries` holds, because
 * what the service's `network_mode` (at `mode`) makes of them is certain; or undefined when removing the key
 * would not certainly remove them all: the key came through a merge key or an alias, an entry came from
 * elsewhere or another file (an override adds to the list), or a later file of `files` chose the network
 * mode (the list must then be reset there, not removed).
 */
export function removeServiceKey(service: Service, name: string, entries: readonly { span: Span; origin?: Span }[], files: readonly string[], mode: Span): FixProposal | undefined {
  const key = service.keys.get(name);
  if (!key || key.origin || files.indexOf(mode.file) > files.indexOf(key.span.file)) return undefined;
  if (entries.some((e) => e.origin || e.span.file !== key.span.file || e.span.line < key.span.line)) return undefined;
  return { title: `remove "${name}" from service "${service.name}"`, edits: [{ op: 'remove', key: key.span }] };
}
