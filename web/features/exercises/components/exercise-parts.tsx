import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ExerciseView } from '../../../../src/core/schemas/exercises';
import { useNow } from '../../../ui/hooks';
import '../i18n';

/** A text in both languages, as the scenario writes it. */
export interface Bilingual {
  en: string;
  'zh-CN': string;
}

/** The text in the reader's language (English for any other). */
export function pick(text: Bilingual, language: string): string {
  return language === 'zh-CN' ? text['zh-CN'] : text.en;
}

/** "T+01:30" for scenario minutes; with seconds ("T+01:30:15") when `seconds`. */
export function scenarioTime(minutes: number, seconds = false): string {
  const total = Math.max(0, Math.floor(minutes * 60));
  const hh = String(Math.floor(total / 3600)).padStart(2, '0');
  const mm = String(Math.floor(total / 60) % 60).padStart(2, '0');
  const ss = String(total % 60).padStart(2, '0');
  return seconds ? `T+${hh}:${mm}:${ss}` : `T+${hh}:${mm}`;
}

/** "01:30" or "1:30" or "90" (minutes) → minutes; null when it is neither. */
export function parseScenarioTime(text: string): number | null {
  const trimmed = text.trim().replace(/^T\+/i, '');
  const hm = /^(\d{1,3}):([0-5]\d)$/.exec(trimmed);
  if (hm) return Number(hm[1]) * 60 + Number(hm[2]);
  if (/^\d{1,5}$/.test(trimmed)) return Number(trimmed);
  return null;
}

/**
 * The scenario time the exercise clock reads now, in minutes: the node's reading when the
 * view arrived, moved on by the wall time since at the clock's speed while it runs.
 */
export function useScenarioMinutes(exercise: ExerciseView | null): number {
  const now = useNow();
  // When this view arrived (set again, during the render, for each new view).
  const [stamp, setStamp] = useState(() => ({ exercise, at: Date.now() }));
  if (stamp.exercise !== exercise) setStamp({ exercise, at: Date.now() });
  if (!exercise) return 0;
  const { clock } = exercise;
  if (clock.state !== 'running') return clock.scenarioMinutes;
  const elapsed = Math.max(0, now.getTime() - stamp.at);
  return clock.scenarioMinutes + (elapsed * clock.speed) / 60_000;
}

/** The clock's state as a badge: ready, running ×N, paused, ended. */
export function ClockStateBadge({ exercise }: { exercise: ExerciseView }) {
  const { t } = useTranslation();
  const { state, speed } = exercise.clock;
  return (
    <span className={`badge clock-${state}`} data-testid="clock-state">
      {state === 'running'
        ? t('exercises.clock.runningAt', { speed })
        : t(`exercises.clock.states.${state}`)}
    </span>
  );
}

export function StatusBadge({ exercise }: { exercise: ExerciseView }) {
  const { t } = useTranslation();
  return (
    <span className={`badge exercise-status-${exercise.status}`}>
      {t(`exercises.statuses.${exercise.status}`)}
    </span>
  );
}

/** Whether a live event is about this exercise (exercise.changed carries its id). */
export function isAbout(data: unknown, id: string): boolean {
  return (
    typeof data === 'object' &&
    data !== null &&
    (data as { exerciseId?: unknown }).exerciseId === id
  );
}
