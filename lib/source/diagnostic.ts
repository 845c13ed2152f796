import type { Span } from './span';

export type Severity = 'error' | 'warning' | 'info';

export interface RelatedLocation {
  message: string;
  span: Span;
}

/** The ids of findings that are not rules' own (the loader's, the schema's, the configuration's), sorted: the one list. */
export const RESERVED_IDS = ['ambiguous-mode', 'compose-load', 'compose-schema', 'config-error', 'yaml-syntax'] as const;
export type ReservedId = (typeof RESERVED_IDS)[number];

/** A problem found while loading a project, before any rule runs (yaml-syntax, compose-load, compose-schema, ambiguous-mode). */
export interface Diagnostic {
  ruleId: ReservedId;
  severity: Severity;
  message: string;
  span: Span;
  related?: RelatedLocation[];
}

/** An input problem that stops the run: unreadable file, no Compose file found, bad option. Exit code 2. */
export class InputError extends Error {
  constructor(
    message: string,
    readonly code: 'ENOENT' | 'EREAD' | 'ENOFILE' | 'EBINARY' | 'ETOOBIG' | 'EUSAGE' | 'ECONFIG' = 'EUSAGE',
  ) {
    super(message);
    this.name = 'InputError';
  }
}

/** The most characters of a user's value that a message quotes; a longer value is cut and ends in "…". */
export const QUOTE_MAX = 80;

/**
 * A user's text cut for a message: the first QUOTE_MAX UTF-16 code units (never half a surrogate pair)
 * and "…" when longer, else the text as it is. For values of unbounded length (a 112 KB scalar, a
 * `${VAR:?message}` text, a long variable name), so a message stays one readable line.
 */
export function shorten(text: string): string {
  if (text.length <= QUOTE_MAX) return text;
  const cut = text.slice(0, QUOTE_MAX);
  return `${/[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut}…`;
}

/** `shorten(text)` in double quotes, JSON-escaped (quotes, backslashes, line breaks): how messages quote a user's value. */
export function quoteValue(text: string): string {
  return JSON.stringify(shorten(text));
}
