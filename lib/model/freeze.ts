/**
 * Freezes a value and everything reachable from it through own enumerable properties, array elements and
 * Map and Set entries: objects and arrays with Object.freeze, and Maps and Sets by giving them a prototype
 * whose mutators throw a TypeError (Object.freeze alone leaves a Map's entries writable). Returns the value.
 * Rules share one graph, so one rule can never change what a later rule, the probe planner or the graph
 * export sees. Accessors on a prototype are not called (a refusal's message computed on read, creation.ts).
 *
 * Each object is frozen before its children are visited, so a frozen object is one already visited (or one
 * frozen on purpose): shared spans and cycles end there without a set of seen objects. Reading properties
 * with `for…in` and Maps with `forEach` allocates nothing per property: the graph of 10,000 services
 * holds about a million objects, and a descriptor per property made this walk allocate 600 MB.
 *
 * An empty array an object's property holds is replaced by one shared frozen empty array (EMPTY): such a graph
 * holds about 150,000 of them (a service's absent `dns`, `links`, `volumes`…), 32 bytes apiece. One held as an array
 * element or a Map or Set entry is frozen where it is.
 */
export function deepFreeze<T>(value: T): T {
  const stack: unknown[] = [value];
  const visit = (child: unknown): void => {
    if (child !== null && typeof child === 'object' && !Object.isFrozen(child)) stack.push(child);
  };
  while (stack.length > 0) {
    const current = stack.pop() as object;
    if (Object.isFrozen(current)) continue;
    if (current instanceof Map) {
      Object.setPrototypeOf(current, ReadOnlyMap.prototype);
      Object.freeze(current);
      current.forEach((v: unknown, k: unknown) => {
        visit(k);
        visit(v);
      });
    } else if (current instanceof Set) {
      Object.setPrototypeOf(current, ReadOnlySet.prototype);
      Object.freeze(current);
      current.forEach(visit);
    } else if (Array.isArray(current)) {
      Object.freeze(current);
      for (let i = 0; i < current.length; i++) visit(current[i]);
    } else {
      // own enumerable data properties: the graph's classes keep their methods and accessors on prototypes
      const record = current as Record<string, unknown>;
      for (const key in record) {
        if (!Object.hasOwn(record, key)) continue;
        const child = record[key];
        if (Array.isArray(child) && child.length === 0) record[key] = EMPTY;
        else visit(child);
      }
      // frozen after the loop above, which may replace properties, and before any child is visited
      Object.freeze(current);
    }
  }
  return value;
}

const EMPTY: readonly never[] = Object.freeze([]);

const readOnly = (kind: string, name: string): never => {
  throw new TypeError(`the network graph is read-only: ${kind}.${name} is not allowed`);
};

// One prototype for every frozen Map and Set: the graph holds tens of thousands of them, and a
// mutator defined on each instance cost a closure and a hidden class apiece (about 30 MiB at 10,000
// services). The reading methods are Map's and Set's own, which read the internal slots.
class ReadOnlyMap<K, V> extends Map<K, V> {
  override set(): this {
    return readOnly('Map', 'set');
  }
  override delete(): boolean {
    return readOnly('Map', 'delete');
  }
  override clear(): void {
    readOnly('Map', 'clear');
  }
}

class ReadOnlySet<T> extends Set<T> {
  override add(): this {
    return readOnly('Set', 'add');
  }
  override delete(): boolean {
    return readOnly('Set', 'delete');
  }
  override clear(): void {
    readOnly('Set', 'clear');
  }
}
