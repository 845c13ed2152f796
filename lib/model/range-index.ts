import type { PortRange } from './types';

/**
 * Port ranges, each with a value (a service name), indexed once so that the question "which ranges contain port p"
 * costs O(log n + k) for n ranges and k answers, not a pass over all of them: the ranges sorted by start, and over
 * them a tree of the largest end below each node; a query takes the ranges that start at or before p (binary search)
 * and descends only into subtrees that reach p. Plain arrays, so the index freezes with the graph. Throws nothing.
 */
export class RangeIndex<T> {
  private readonly starts: number[];
  private readonly ends: number[];
  private readonly values: T[];
  /** size: the leaf count, a power of two; maxEnd[1] is the root, maxEnd[size + i] range i's end, -1 where empty */
  private readonly size: number;
  private readonly maxEnd: number[];

  constructor(entries: readonly (readonly [PortRange, T])[]) {
    const sorted = [...entries].sort((a, b) => a[0].start - b[0].start);
    this.starts = sorted.map((e) => e[0].start);
    this.ends = sorted.map((e) => e[0].end);
    this.values = sorted.map((e) => e[1]);
    let size = 1;
    while (size < sorted.length) size *= 2;
    this.size = size;
    this.maxEnd = new Array<number>(2 * size).fill(-1);
    this.ends.forEach((end, i) => (this.maxEnd[size + i] = end));
    for (let node = size - 1; node >= 1; node--) this.maxEnd[node] = Math.max(this.maxEnd[2 * node], this.maxEnd[2 * node + 1]);
  }

  /** Calls `found` with the value of each range that contains `port` (start ≤ port ≤ end), in order of start. */
  containing(port: number, found: (value: T) => void): void {
    // the ranges [0, count) start at or before the port
    let low = 0;
    let high = this.starts.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.starts[middle] <= port) low = middle + 1;
      else high = middle;
    }
    const count = low;
    const visit = (node: number, first: number, width: number): void => {
      if (first >= count || this.maxEnd[node] < port) return;
      if (width === 1) return found(this.values[first]);
      visit(2 * node, first, width / 2);
      visit(2 * node + 1, first + width / 2, width / 2);
    };
    if (count > 0) visit(1, 0, this.size);
  }
}
