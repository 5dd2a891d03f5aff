import type { UseQueryResult } from '@tanstack/react-query';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { QueryView } from './query-view.tsx';

// Only the fields QueryView reads; a real result carries many more.
function result(fields: Record<string, unknown>): UseQueryResult<string[], unknown> {
  return { isPending: false, isError: false, refetch: () => {}, ...fields } as UseQueryResult<
    string[],
    unknown
  >;
}

function markup(query: UseQueryResult<string[], unknown>, empty?: string): string {
  return renderToStaticMarkup(
    createElement(QueryView<string>, {
      query,
      loading: 'Loading things…',
      failed: 'Could not load things.',
      empty: empty === undefined ? undefined : createElement('p', null, empty),
      children: (items) => createElement('ul', null, items.join(',')),
    }),
  );
}

describe('QueryView', () => {
  it('says it is loading until the first answer', () => {
    expect(markup(result({ isPending: true }))).toContain('Loading things…');
  });

  it('shows a failure with its title and a retry', () => {
    const html = markup(result({ isError: true, error: new Error('boom') }));
    expect(html).toContain('role="alert"');
    expect(html).toContain('Could not load things.');
    expect(html).toContain('Try again');
  });

  it('shows the items, or the empty message when there are none and one is given', () => {
    expect(markup(result({ data: ['a', 'b'] }), 'None.')).toBe('<ul>a,b</ul>');
    expect(markup(result({ data: [] }), 'None.')).toBe('<p>None.</p>');
    expect(markup(result({ data: [] }))).toBe('<ul></ul>');
  });
});
