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
