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
  const seen = new Set<string>();
  const dependencies = (name: string): string[] => {
    const s = model.services.get(name)!;
    const owner = joined(name);
    return [...(owner === undefined ? [] : [owner]), ...s.links.map((l) => l.service), ...s.dependsOn.map((d) => d.value)];
  };
  // an explicit stack, not recursion: a chain of thousands of dependencies must not exhaust the call stack
  for (const root of model.services.keys()) {
    if (seen.has(root)) continue;
    seen.add(root);
    const stack: { name: string; next: string[]; at: number }[] = [{ name: root, next: dependencies(root), at: 0 }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top.at < top.next.length) {
        const dep = top.next[top.at++];
        if (!model.services.has(dep) || seen.has(dep)) continue;
        seen.add(dep);
        stack.push({ name: dep, next: dependencies(dep), at: 0 });
      } else {
        stack.pop();
        out.push(top.name);
      }
    }
  }
  return out;
}
