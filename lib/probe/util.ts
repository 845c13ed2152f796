import { randomBytes } from 'node:crypto';

/** A fresh run id: 8 hex digits, unique enough for the objects of one machine. */
export function newRunId(): string {
  return randomBytes(4).toString('hex');
}

export class AbortedError extends Error {
  constructor(readonly signal: string) {
    super(`interrupted by ${signal}`);
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new AbortedError(String(signal.reason ?? 'abort')));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new AbortedError(String(signal?.reason ?? 'abort')));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Rejects with `message` when `promise` has not settled within `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

/** Throws AbortedError when the run was interrupted. */
export function checkAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new AbortedError(String(signal.reason ?? 'abort'));
}

/** Maps over items with at most `limit` running at once, keeping the order of the results. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      out[i] = await fn(items[i], i);
    }
  });
  await Promise.all(workers);
  return out;
}

/** Quotes one argument for display in a POSIX shell command line. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function commandLine(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}

/** The first line of an error's message, without Docker's "(HTTP code 500) server error - " prefix. */
export function errorLine(error: unknown): string {
  const e = error as { json?: { message?: string }; message?: string };
  const text = e?.json?.message ?? e?.message ?? String(error);
  return text
    .replace(/^\(HTTP code \d+\)[^-]*- /, '')
    .split('\n')[0]
    .trim();
}

/** A name Docker accepts for a container or network, from any text. */
export function dockerSafe(text: string): string {
  return text.replace(/[^a-zA-Z0-9_.-]/g, '-').replace(/^[^a-zA-Z0-9]+/, '') || 'x';
}

/**
 * Runs `fn` for every item, at most `limit` at once, each only once the items it comes `after` (indexes
 * of earlier items only) have finished, so dependencies cannot deadlock. An item whose dependency failed
 * fails with the same error without running. Resolves when every item has settled, and only then rejects
 * with the first error (by index), so nothing is still running when the caller moves on (to a teardown, say).
 */
export async function runAfter<T>(items: readonly T[], limit: number, after: (index: number) => Iterable<number>, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let free = Math.max(1, limit);
  const waiting: (() => void)[] = [];
  const acquire = (): Promise<void> => (free > 0 ? (free--, Promise.resolve()) : new Promise((resolve) => waiting.push(resolve)));
  const release = (): void => {
    const next = waiting.shift();
    if (next) next();
    else free++;
  };
  const done: Promise<void>[] = [];
  items.forEach((item, i) => {
    const deps = [...after(i)].filter((j) => j < i).map((j) => done[j]);
    done.push(
      Promise.all(deps).then(async () => {
        await acquire();
        try {
          await fn(item, i);
        } finally {
          release();
        }
      }),
    );
  });
  const settled = await Promise.allSettled(done);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
}

/** Moves the entries of `list` from `start` on into the order `rank` gives them (a stable sort of that tail). */
export function sortTail<T>(list: T[], start: number, rank: (item: T) => number): void {
  const tail = list.splice(start).map((item, i) => ({ item, i, r: rank(item) }));
  tail.sort((a, b) => a.r - b.r || a.i - b.i);
  list.push(...tail.map((t) => t.item));
}
