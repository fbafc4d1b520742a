/** What a probe answers while the thing it waits for has not happened yet. */
type NotYet = undefined | null | false | 0 | '';

/**
 * Calls `probe` every `intervalMs` until it answers something truthy, and returns that
 * answer; past `timeoutMs`, fails with "timed out waiting for <what>". The one way tests
 * wait for something another node, a worker or a timer does on its own time.
 */
export async function until<T>(
  probe: () => T | Promise<T>,
  what: string,
  timeoutMs = 15_000,
  intervalMs = 50,
): Promise<Exclude<T, NotYet>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as Exclude<T, NotYet>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
