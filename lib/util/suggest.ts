/** Edit distance (Levenshtein, with adjacent transposition counted as one edit). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * Not a Compose limit: suggestions cost the product of the lengths compared, and a hostile file can
 * hold thousands of near names. Past these bounds a word gets no suggestion (never a worse one).
 */
export const SUGGEST_MAX_CANDIDATES = 500;
export const SUGGEST_MAX_CELLS = 20_000;

/**
 * The closest candidate within a third of the word's length (at least one edit), or undefined; ties go
 * to the first in sorted order. Case is ignored. No suggestion when there are more than
 * SUGGEST_MAX_CANDIDATES candidates, or when the candidates of a length that could be close would take
 * more than SUGGEST_MAX_CELLS steps of the edit distance to compare: a call costs a bounded amount.
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(1, Math.floor(word.length / 3));
  const lower = word.toLowerCase();
  const near: string[] = [];
  let count = 0;
  let cells = 0;
  for (const candidate of candidates) {
    if (++count > SUGGEST_MAX_CANDIDATES) return undefined;
    // the distance is at least the difference in length
    if (Math.abs(candidate.length - word.length) > limit) continue;
    cells += (word.length + 1) * (candidate.length + 1);
    if (cells > SUGGEST_MAX_CELLS) return undefined;
    near.push(candidate);
  }
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of near.sort()) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance <= limit && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * `"a", "b", "c"`: the names (sorted by the caller) quoted, at most `max` of them and then how many
 * more, so that a message stays short however many names a project has. `except`, when given, is one
 * of the names, left out. Costs O(max), not O(names).
 */
export function quotedList(names: readonly string[], max = 10, except?: string): string {
  const shown: string[] = [];
  for (let i = 0; i < names.length && shown.length < max; i++) if (names[i] !== except) shown.push(`"${names[i]}"`);
  const more = names.length - (except === undefined ? 0 : 1) - shown.length;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
}

/** The names but one, lazily: for `closest`, which reads at most SUGGEST_MAX_CANDIDATES + 1 of them. */
export function* allBut(names: Iterable<string>, except: string): Generator<string> {
  for (const name of names) if (name !== except) yield name;
}

/** `. did you mean "x"?` or the empty string. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const match = closest(word, candidates);
  return match === undefined ? '' : `. did you mean "${match}"?`;
}
