/**
 * A table of tree-path patterns ("services.*.ports.[].target": "*" is any key, "[]" any list
 * item) kept as a tree of keys, so that a walk follows only the paths that lead somewhere instead
 * of matching every pattern at every node. An exact key is followed before "*".
 */
export class PathTable<T> {
  value?: T;
  private readonly keys = new Map<string, PathTable<T>>();

  static of<T>(patterns: Iterable<readonly [string, T]>): PathTable<T> {
    const root = new PathTable<T>();
    for (const [pattern, value] of patterns) {
      let at: PathTable<T> = root;
      for (const key of pattern.split('.')) {
        let next = at.keys.get(key);
        if (!next) at.keys.set(key, (next = new PathTable<T>()));
        at = next;
      }
      at.value = value;
    }
    return root;
  }

  /** Where the key leads: its own entry, else "*" (which also matches "[]"). */
  next(key: string): PathTable<T> | undefined {
    return this.keys.get(key) ?? this.keys.get('*');
  }

  /** Where a path leads. */
  at(path: readonly string[]): PathTable<T> | undefined {
    let at: PathTable<T> | undefined = this;
    for (const key of path) at = at?.next(key);
    return at;
  }

  /** The keys that lead somewhere, when none of them is "*": a map then needs only these looked up. */
  exactKeys(): Iterable<string> | undefined {
    return this.keys.has('*') ? undefined : this.keys.keys();
  }
}
