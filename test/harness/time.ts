/** The instant an ISO 8601 text names, in epoch milliseconds (tests write instants as text). */
export function at(iso: string): number {
  return Date.parse(iso);
}
