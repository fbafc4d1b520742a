// The kit's strings (error messages, web/ui/i18n), registered when they arrive. They load in
// a chunk of their own, started as soon as the kit's code loads, so that the first load of
// the app stays within its budget; ErrorAlert waits for them (useKitStrings), which takes a
// moment at most, since the request starts with the app.
import { useSyncExternalStore } from 'react';
import { addStrings } from '../../app/i18n';

let ready = false;
let codes: ReadonlySet<string> = new Set();
const listeners = new Set<() => void>();

/** Settles once both languages' kit strings are registered. */
export const kitStrings: Promise<void> = Promise.all([
  import('./en.json'),
  import('./zh-CN.json'),
]).then(([en, zhCN]) => {
  addStrings(en.default, zhCN.default);
  codes = new Set(
    Object.entries(en.default.errors)
      .filter(([, value]) => typeof value === 'string')
      .map(([key]) => key),
  );
  ready = true;
  for (const listener of listeners) listener();
});

/** The keys of errors.* that are sentences (error codes and the generic ones). */
export function errorKeys(): ReadonlySet<string> {
  return codes;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Whether the kit's strings have arrived (the component renders again when they do). */
export function useKitStrings(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => ready,
    () => ready,
  );
}
