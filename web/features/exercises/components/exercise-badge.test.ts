import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { I18nextProvider } from 'react-i18next';
import { describe, expect, it } from 'vitest';
import i18n from '../../../app/i18n';
import { ExerciseBadge } from './exercise-badge';

function render(exerciseId: string | null | undefined, language: string): string {
  void i18n.changeLanguage(language);
  return renderToStaticMarkup(
    createElement(I18nextProvider, { i18n }, createElement(ExerciseBadge, { exerciseId })),
  );
}

describe('the EXERCISE badge', () => {
  it('marks what an exercise created, in the reader’s language', () => {
    expect(render('3f0c', 'en')).toContain('>EXERCISE</span>');
    expect(render('3f0c', 'zh-CN')).toContain('>演习</span>');
    // On pages about an exercise itself (no id to test): always.
    expect(render(undefined, 'en')).toContain('badge-exercise');
  });

  it('says nothing on a real call or request', () => {
    expect(render(null, 'en')).toBe('');
  });
});
