import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ErrorMessage, Loading } from './status.tsx';

/**
 * A list query as every page shows it: a loading message, then either the error (with a retry) or
 * the items, or `empty` when there are none.
 */
export function QueryView<Item>(props: {
  query: UseQueryResult<Item[], unknown>;
  /** Shown while the first answer is awaited. */
  loading: string;
  /** The title of the error, when the query failed. */
  failed: string;
  empty?: ReactNode;
  children: (items: Item[]) => ReactNode;
}) {
  const { query } = props;
  if (query.isPending) return <Loading>{props.loading}</Loading>;
  if (query.isError) {
    return <ErrorMessage title={props.failed} error={query.error} onRetry={() => query.refetch()} />;
  }
  if (query.data.length === 0 && props.empty) return props.empty;
  return props.children(query.data);
}
