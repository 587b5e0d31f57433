// Closest known word to a misspelt one, for "did you mean …?" hints on unknown keys.

/** Words longer than this get no suggestion: nobody misspells a 200-character key. */
const MAX_WORD = 64;

/**
 * Edit distance between `a` and `b`: insertions, deletions, substitutions and swaps of two
 * neighbouring characters (the commonest typo, `prot` for `port`) each count 1.
 */
export function editDistance(a: string, b: string): number {
  // Three rolling rows (the swap looks two rows back) instead of a full matrix.
  let twoBack = new Array<number>(b.length + 1).fill(0);
  let above = Array.from({ length: b.length + 1 }, (_, j) => j);
  let row = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((above[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (above[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, (twoBack[j - 2] ?? 0) + 1);
      }
      row[j] = best;
    }
    [twoBack, above, row] = [above, row, twoBack];
  }
  return above[b.length] ?? 0;
}

/**
 * The candidate nearest to `word`, or undefined when none is near enough to be a plausible
 * typo (at most a third of the word's length, and at least 1, edits away). Case is ignored.
 * Candidates whose length alone rules them out are skipped, so a flood of unknown keys costs
 * little per key.
 */
export function closestMatch(word: string, candidates: Iterable<string>): string | undefined {
  if (word.length > MAX_WORD) return undefined;
  const limit = Math.max(1, Math.floor(word.length / 3));
  const lower = word.toLowerCase();
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    if (Math.abs(candidate.length - word.length) > limit) continue;
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance <= limit && (best === undefined || distance < best.distance)) {
      best = { candidate, distance };
    }
  }
  return best?.candidate;
}
