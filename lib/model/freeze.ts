/**
 * Freezes a value and everything reachable from it: objects and arrays with Object.freeze, and Maps and
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
    for (const name of ['set', 'delete', 'clear'] as const) lock(value, name);
  } else if (value instanceof Set) {
    for (const v of value) deepFreeze(v, seen);
    for (const name of ['add', 'delete', 'clear'] as const) lock(value, name);
  }
  for (const key of Reflect.ownKeys(value)) deepFreeze((value as Record<PropertyKey, unknown>)[key], seen);
  return Object.freeze(value);
}

function lock(target: object, name: string): void {
  Object.defineProperty(target, name, {
    value: () => {
      throw new TypeError(`the network graph is read-only: ${target.constructor.name}.${name} is not allowed`);
    },
  });
}
