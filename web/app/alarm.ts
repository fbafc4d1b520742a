import { useEffect, useSyncExternalStore } from 'react';

/**
 * The hotline's audible alert: a short two-tone beep made with the Web Audio API, repeated
 * while a call waits. Browsers refuse to play sound before the user's first gesture on the
 * page, so the AudioContext is created (or resumed) on the first click or key press; until
 * then the alert is visual only, and `useAudioState()` says so.
 */

export type AudioState = 'blocked' | 'running' | 'unsupported';

const MUTED_KEY = 'liaison.hotline.muted';
const listeners = new Set<() => void>();
let context: AudioContext | null = null;
let unlockInstalled = false;
let muted = readMuted();

function notify(): void {
  for (const listener of [...listeners]) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

function readMuted(): boolean {
  try {
    return localStorage.getItem(MUTED_KEY) === '1';
  } catch {
    return false;
  }
}

function audioState(): AudioState {
  if (typeof AudioContext === 'undefined') return 'unsupported';
  return context?.state === 'running' ? 'running' : 'blocked';
}

/**
 * Called on a user gesture: the one moment a browser lets a page start its audio. The
 * "Enable sound" button calls it too, so a fresh duty tab can be armed on purpose.
 */
export function unlockAudio(): void {
  if (typeof AudioContext === 'undefined') return;
  try {
    if (!context) {
      context = new AudioContext();
      context.onstatechange = notify;
    }
    if (context.state === 'suspended') void context.resume().then(notify, notify);
  } catch {
    // No audio device, or a policy: the visual alert remains.
  }
  notify();
}

/** Listens for the first gestures of the page (once per page; harmless to call again). */
export function installAudioUnlock(): void {
  if (unlockInstalled || typeof window === 'undefined') return;
  unlockInstalled = true;
  // On click, not pointerdown: unlocking hides the "Enable sound" hints, and the page must
  // not move between the press and the release, or the tap lands on something else.
  window.addEventListener('click', unlockAudio, { capture: true });
  window.addEventListener('keydown', unlockAudio, { capture: true });
}

export function useAudioState(): AudioState {
  return useSyncExternalStore(subscribe, audioState, () => 'unsupported' as const);
}

export function setMuted(value: boolean): void {
  muted = value;
  try {
    if (value) localStorage.setItem(MUTED_KEY, '1');
    else localStorage.removeItem(MUTED_KEY);
  } catch {
    // Storage disabled: the choice lasts this page only.
  }
  notify();
}

/** Whether the user silenced the hotline's sound in this browser. */
export function useMuted(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => muted,
    () => false,
  );
}

/** One beep: two short tones, high then low, with soft edges so they do not click. */
export function beep(): void {
  if (!context || context.state !== 'running' || muted) return;
  const start = context.currentTime + 0.01;
  for (const [offset, frequency] of [
    [0, 880],
    [0.2, 660],
  ] as const) {
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.type = 'sine';
    oscillator.frequency.value = frequency;
    const at = start + offset;
    gain.gain.setValueAtTime(0, at);
    gain.gain.linearRampToValueAtTime(0.25, at + 0.02);
    gain.gain.setValueAtTime(0.25, at + 0.13);
    gain.gain.linearRampToValueAtTime(0, at + 0.16);
    oscillator.connect(gain).connect(context.destination);
    oscillator.start(at);
    oscillator.stop(at + 0.17);
  }
}

/** Beeps every `everyMs` while `ringing` (and not muted), at once when it starts. */
export function useAlarm(ringing: boolean, everyMs: number): void {
  const isMuted = useMuted();
  const state = useAudioState();
  useEffect(() => {
    installAudioUnlock();
  }, []);
  useEffect(() => {
    if (!ringing || isMuted || state !== 'running') return;
    beep();
    const timer = setInterval(beep, everyMs);
    return () => clearInterval(timer);
  }, [ringing, isMuted, state, everyMs]);
}
