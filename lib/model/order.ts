import type { Span } from '../source/span';
import type { Model } from './types';

/**
 * Orders two spans as the project reads them: by the file's place in `model.files` (the `-f` order, then
 * included files; a file the project does not list comes after, by name), then line, then column.
 * Returns a negative number, zero or a positive number, like any comparator.
 */
export function compareProjectSpans(model: Pick<Model, 'files'>, a: Span, b: Span): number {
  if (a.file !== b.file) {
    const fa = model.files.indexOf(a.file);
    const fb = model.files.indexOf(b.file);
    const ia = fa < 0 ? model.files.length : fa;
    const ib = fb < 0 ? model.files.length : fb;
    return ia !== ib ? ia - ib : a.file < b.file ? -1 : 1;
  }
  return a.line - b.line || a.column - b.column;
}

/**
 * The order in which Compose creates and starts the services of a project: a service after the services
 * it depends on, then in file order. Dependencies, as compose-go's `graph.go` (`getDependentServices`)
 * collects them: `depends_on`, `links`, and the service whose namespace `network_mode: service:X` joins.
 * Dependencies on services the project does not have are skipped; a cycle is broken where it is found
 * (Compose refuses it; the model still gives every service a place). Returns every service name once.
 */
export function startOrder(model: Model, joined: (service: string) => string | undefined): string[] {
  const out: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string): void => {
    if (!model.services.has(name) || state.has(name)) return;
    state.set(name, 'visiting');
    const s = model.services.get(name)!;
    const owner = joined(name);
    if (owner !== undefined) visit(owner);
    for (const l of s.links) visit(l.service);
    for (const d of s.dependsOn) visit(d.value);
    state.set(name, 'done');
    out.push(name);
  };
  for (const name of model.services.keys()) visit(name);
  return out;
}
