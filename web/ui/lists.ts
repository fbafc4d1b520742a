/** Lists of things with an id, as pages keep them in state. */
interface WithId {
  id: string;
}

/** The list with `item` in place of the one with its id, or added at the end. */
export function upsertById<T extends WithId>(list: readonly T[] | null, item: T): T[] {
  const current = list ?? [];
  return current.some((entry) => entry.id === item.id)
    ? current.map((entry) => (entry.id === item.id ? item : entry))
    : [...current, item];
}

/** The list without the entry of that id. */
export function removeById<T extends WithId>(list: readonly T[] | null, id: string): T[] {
  return (list ?? []).filter((entry) => entry.id !== id);
}
