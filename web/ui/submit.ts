import { useCallback, useEffect, useRef, useState } from 'react';
import type { Problem } from './errors';

/** What useSubmit changes while it runs an action. */
export interface SubmitState {
  setBusy: (busy: boolean) => void;
  setProblem: (problem: Problem | null) => void;
}

/**
 * Runs `action` once: busy while it runs, the problem cleared before and set to the failure
 * after (the ApiError as `error`). The value on success; undefined on failure.
 */
export async function runSubmit<R>(
  action: () => Promise<R>,
  state: SubmitState,
): Promise<{ ok: true; value: R } | { ok: false; problem: Problem }> {
  state.setProblem(null);
  state.setBusy(true);
  try {
    const value = await action();
    return { ok: true, value };
  } catch (error) {
    const problem: Problem = { error };
    state.setProblem(problem);
    return { ok: false, problem };
  } finally {
    state.setBusy(false);
  }
}

export interface Submit<A extends unknown[], R> {
  /** Runs the action (once at a time): its value, or undefined when it failed. */
  submit: (...args: A) => Promise<R | undefined>;
  busy: boolean;
  /** The last failure (`error` is the ApiError), or a problem the form set with `fail`. */
  problem: Problem | null;
  /** Shows a problem of the form's own (a required field left empty, say). */
  fail: (problem: Problem) => void;
  /** Forgets the problem. */
  reset: () => void;
}

/**
 * The busy and problem state of a form or a button: `const save = useSubmit(api.saveX)`,
 * then `await save.submit(input)`; `save.busy` disables the button, `save.problem` goes to
 * <ProblemAlert>. The latest `action` is used, so an inline closure over state is fine.
 */
export function useSubmit<A extends unknown[], R>(
  action: (...args: A) => Promise<R>,
  /** Called after a success, with the value and the arguments (clear the form, reload …). */
  onDone?: (value: R, ...args: A) => void,
): Submit<A, R> {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const latest = useRef({ action, onDone });
  useEffect(() => {
    latest.current = { action, onDone };
  }, [action, onDone]);
  const running = useRef(false);
  const submit = useCallback(async (...args: A): Promise<R | undefined> => {
    if (running.current) return undefined;
    running.current = true;
    try {
      const result = await runSubmit(() => latest.current.action(...args), {
        setBusy,
        setProblem,
      });
      if (!result.ok) return undefined;
      latest.current.onDone?.(result.value, ...args);
      return result.value;
    } finally {
      running.current = false;
    }
  }, []);
  const reset = useCallback(() => setProblem(null), []);
  return { submit, busy, problem, fail: setProblem, reset };
}
