import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { I18nextProvider } from 'react-i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import i18n from '../app/i18n';
import { ApiError, NETWORK_ERROR } from '../app/client';
import { AsyncTable, asyncState } from './async-table';
import { ErrorAlert, explainError, fieldLabel, hasTranslation } from './errors';
import { controlProps, Field } from './field';
import { runSubmit } from './submit';
import { kitStrings } from './i18n';
import en from './i18n/en.json';
import zhCN from './i18n/zh-CN.json';

beforeAll(() => kitStrings);

const zh = i18n.getFixedT('zh-CN');
const english = i18n.getFixedT('en');

function render(node: Parameters<typeof renderToStaticMarkup>[0], language = 'en'): string {
  void i18n.changeLanguage(language);
  return renderToStaticMarkup(createElement(I18nextProvider, { i18n }, node));
}

const invalidDates = new ApiError('invalid_dates', 400, 'until must not be before from.');
const tooSmall = new ApiError(
  'invalid_request',
  400,
  'body.until: Too small: expected number >=1',
  {
    details: {
      issues: [
        {
          field: 'body.everyMinutes',
          code: 'too_small',
          params: { minimum: 1, origin: 'number' },
          message: 'Too small: expected number to be >=1',
        },
        { field: 'body.email', code: 'invalid_format', params: { format: 'email' }, message: 'x' },
      ],
    },
  },
);

describe('explainError', () => {
  it('says a stable code in the user language, never the server English as the text', () => {
    const { text } = explainError(zh, invalidDates);
    expect(text).toBe(zhCN.errors.invalid_dates);
    expect(text).not.toContain('until');
    expect(text).not.toContain('出现错误');
  });

  it('names the fields with the form labels when it has them', () => {
    expect(explainError(zh, invalidDates, { from: '开始日期', until: '结束日期' }).text).toBe(
      '“结束日期”不能早于“开始日期”。',
    );
  });

  it('says per field what is wrong with an invalid_request, with the form labels', () => {
    const explained = explainError(zh, tooSmall, { everyMinutes: '间隔（分钟）' });
    expect(explained.text).toBe(zhCN.errors.invalid_request);
    expect(explained.details).toEqual([
      '间隔（分钟）：不能小于 1',
      'email：必须是有效的电子邮件地址',
    ]);
    expect(explainError(english, tooSmall).details[0]).toBe('everyMinutes: must be at least 1');
  });

  it('gives the lead of invalid_stix once and its problems as a list', () => {
    const stix = new ApiError('invalid_stix', 422, 'Not a valid STIX 2.1 object: a; b', {
      details: { errors: ['name: required', 'pattern: not a STIX pattern'] },
    });
    const explained = explainError(english, stix);
    expect(explained.text).toBe('Not a valid STIX 2.1 object:');
    expect(explained.details).toEqual(['name: required', 'pattern: not a STIX pattern']);
  });

  it('says a refused 4xx of an unknown code was refused, with the server words as a detail', () => {
    const odd = new ApiError('brand_new_code', 409, 'Enter a whole number.');
    const explained = explainError(english, odd);
    expect(explained.text).toBe(en.errors.refused);
    expect(explained.text).not.toMatch(/went wrong/i);
    expect(explained.details).toEqual(['The node said: Enter a whole number.']);
    expect(explainError(english, new ApiError('x', 500, 'boom')).text).toBe(en.errors.server);
    expect(explainError(english, new ApiError(NETWORK_ERROR, 0, 'x')).text).toBe(en.errors.network);
  });

  it('knows which codes are translated', () => {
    expect(hasTranslation('invalid_dates')).toBe(true);
    expect(hasTranslation('network')).toBe(false);
    expect(hasTranslation('nothing_like_it')).toBe(false);
  });

  it('names a field by the form label, the longest match first', () => {
    expect(fieldLabel('body.terms.title', { title: 'T', 'terms.title': 'Terms title' })).toBe(
      'Terms title',
    );
    expect(fieldLabel('query.limit')).toBe('limit');
  });
});

describe('ErrorAlert', () => {
  it('is an alert with the translated text, the details and the reference', () => {
    const error = new ApiError('invalid_request', 400, 'x', {
      requestId: 'req-1',
      details: tooSmall.details,
    });
    const html = render(
      createElement(ErrorAlert, { error, fields: { everyMinutes: '间隔' } }),
      'zh-CN',
    );
    expect(html).toContain('role="alert"');
    expect(html).toContain('节点拒绝了您输入的部分内容');
    expect(html).toContain('<li>间隔：不能小于 1</li>');
    expect(html).toContain('参考编号：req-1');
  });
});

describe('Field', () => {
  it('wires the label, the hint and the error to the control', () => {
    const html = render(
      createElement(Field, {
        label: 'Title',
        hint: 'Short',
        error: 'Too long',
        id: 'f',
        children: createElement('input', { value: 'x', readOnly: true }),
      }),
    );
    expect(html).toContain('<label for="f">Title</label>');
    expect(html).toContain('id="f"');
    expect(html).toContain('aria-describedby="f-hint f-error"');
    expect(html).toContain('aria-invalid="true"');
    expect(html).toContain('<p id="f-error" class="field-error">Too long</p>');
  });

  it('keeps what the control already describes itself with, and is valid without an error', () => {
    expect(controlProps('a', { describedBy: 'a-count', hint: true })).toEqual({
      id: 'a',
      'aria-describedby': 'a-count a-hint',
    });
    expect(controlProps('a', { invalid: true })).toEqual({ id: 'a', 'aria-invalid': true });
  });
});

describe('useSubmit (runSubmit)', () => {
  it('is busy while it runs, then keeps the ApiError as the problem', async () => {
    const states: unknown[] = [];
    const state = {
      setBusy: (busy: boolean) => states.push(busy ? 'busy' : 'idle'),
      setProblem: (problem: unknown) => states.push(problem),
    };
    const ok = await runSubmit(() => Promise.resolve(42), state);
    expect(ok).toEqual({ ok: true, value: 42 });
    expect(states).toEqual([null, 'busy', 'idle']);
    states.length = 0;
    const failed = await runSubmit(() => Promise.reject(invalidDates), state);
    expect(failed).toEqual({ ok: false, problem: { error: invalidDates } });
    expect(states).toEqual([null, 'busy', { error: invalidDates }, 'idle']);
  });
});

describe('AsyncTable', () => {
  const columns = [
    { header: 'Name', cell: (row: { id: string }) => row.id, rowHeader: true },
    { header: 'Size', cell: () => '1' },
  ];

  it('has a state for loading, error, empty and rows', () => {
    expect(asyncState(null, null)).toBe('loading');
    expect(asyncState(null, new Error('x'))).toBe('error');
    expect(asyncState([], null)).toBe('empty');
    expect(asyncState([1], null)).toBe('rows');
  });

  it('labels each cell with its column header (cards on a narrow screen)', () => {
    const html = render(
      createElement(AsyncTable<{ id: string }>, {
        rows: [{ id: 'a' }],
        empty: 'none',
        label: 'Files',
        columns,
        rowKey: (row) => row.id,
      }),
    );
    // The cell's parts in one wrapper: on a phone's card they stay beside the label.
    expect(html).toContain(
      '<th scope="row" data-label="Name"><div class="cell-value">a</div></th>',
    );
    expect(html).toContain('<td data-label="Size"><div class="cell-value">1</div></td>');
    expect(html).toContain('class="async-table"');
    // A wide table scrolls: its region has a name and takes the keyboard's focus.
    expect(html).toContain('role="region" aria-label="Files" tabindex="0"');
  });

  it('says it is loading, or empty, or the error', () => {
    const props = {
      empty: 'Nothing yet',
      label: 'Files',
      columns,
      rowKey: (row: { id: string }) => row.id,
    };
    expect(render(createElement(AsyncTable<{ id: string }>, { ...props, rows: null }))).toContain(
      'role="status"',
    );
    expect(render(createElement(AsyncTable<{ id: string }>, { ...props, rows: [] }))).toContain(
      'Nothing yet',
    );
    const failed = render(
      createElement(AsyncTable<{ id: string }>, { ...props, rows: null, error: invalidDates }),
    );
    expect(failed).toContain('role="alert"');
    expect(failed).not.toContain('role="status"');
  });
});

describe('the kit strings', () => {
  type Tree = { [key: string]: string | Tree };
  const leaves = (tree: Tree, prefix = ''): string[] =>
    Object.entries(tree).flatMap(([key, value]) =>
      typeof value === 'string' ? [`${prefix}${key}`] : leaves(value, `${prefix}${key}.`),
    );
  it('have the same keys in English and Simplified Chinese', () => {
    expect(leaves(zhCN as Tree)).toEqual(leaves(en as Tree));
  });
});
