/**
 * Freezes a value and everything reachable from it through data properties (accessors are left uncalled): objects and arrays with Object.freeze, and Maps and
 * Sets by replacing their mutators on the instance with ones that throw a TypeError (Object.freeze alone
 * leaves a Map's entries writable). Returns the value. Rules share one graph, so one rule can never
 * change what a later rule, the probe planner or the graph export sees.
 */
export function deepFreeze<T>(value: T, seen = new WeakSet<object>()): T {
  if (value === null || typeof value !== 'object' || seen.has(value)) return value;
  seen.add(value);
  if (value instanceof Map) {
    for (const [k, v] of value) {
      deepFreeze(k, seen);
      deepFreeze(v, seen);
    }
    Object.setPrototypeOf(value, ReadOnlyMap.prototype);
  } else if (value instanceof Set) {
    for (const v of value) deepFreeze(v, seen);
    Object.setPrototypeOf(value, ReadOnlySet.prototype);
  }
  if (Array.isArray(value)) {
    // the graph's arrays hold data only: no descriptor to read (most of what is frozen is arrays and their elements)
    for (const element of value) deepFreeze(element, seen);
    return Object.freeze(value);
  }
  for (const key of Reflect.ownKeys(value)) {
    // an accessor stores nothing to freeze: it computes on read (a cycle's message, creation.ts), so it is not called here
    const property = Object.getOwnPropertyDescriptor(value, key)!;
    if ('value' in property) deepFreeze(property.value, seen);
  }
  return Object.freeze(value);
}

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
