// Trunk ordering for outbound failover: priority groups tried in ascending order; inside a group,
// a weighted random order so traffic is shared by weight while every trunk stays a fallback.

export interface OrderableTrunk {
  id: string;
  enabled: boolean;
  priority: number;
  weight: number;
}

export interface TrunkOrder<T> {
  ordered: T[];
  /** Disabled trunks, left out. */
  skipped: T[];
}

/**
 * Weighted shuffle without replacement: each pick chooses a trunk with probability weight/sum of
 * the remaining weights. Trunks of weight ≤ 0 never win a draw; they follow, in input order.
 */
function weightedShuffle<T extends OrderableTrunk>(group: T[], rng: () => number): T[] {
  const weighted = group.filter((t) => t.weight > 0);
  const zero = group.filter((t) => t.weight <= 0);
  const out: T[] = [];
  while (weighted.length > 0) {
    const total = weighted.reduce((sum, t) => sum + t.weight, 0);
    let point = rng() * total;
    let index = weighted.length - 1; // guards against rng() returning exactly 1
    for (let i = 0; i < weighted.length; i++) {
      point -= weighted[i].weight;
      if (point < 0) {
        index = i;
        break;
      }
    }
    out.push(weighted[index]);
    weighted.splice(index, 1);
  }
  return out.concat(zero);
}

export function orderTrunks<T extends OrderableTrunk>(trunks: readonly T[], rng: () => number): TrunkOrder<T> {
  const skipped = trunks.filter((t) => !t.enabled);
  const byPriority = new Map<number, T[]>();
  for (const t of trunks) {
    if (!t.enabled) continue;
    const group = byPriority.get(t.priority) ?? [];
    group.push(t);
    byPriority.set(t.priority, group);
  }
  const ordered = [...byPriority.keys()]
    .sort((a, b) => a - b)
    .flatMap((p) => weightedShuffle(byPriority.get(p)!, rng));
  return { ordered, skipped };
}
