import { type ActivityKind, isActivityKind } from '@revoke/contract';
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../api/api-context.tsx';
import { PageHeading } from '../components/page-heading.tsx';
import { QueryView } from '../components/query-view.tsx';
import { formatDateTime, formatRelative } from '../format.ts';

// Every kind the contract knows has a label: a new kind does not compile until it has one.
const KIND_LABELS: Record<ActivityKind, string> = {
  'note.created': 'Note added',
  'note.deleted': 'Note deleted',
};

/** The label of a kind; an event stored under a kind no longer in the contract shows its raw name. */
function labelOf(kind: string): string {
  return isActivityKind(kind) ? KIND_LABELS[kind] : kind;
}

/** The user's activity feed, newest first. */
export function ActivityPage() {
  const api = useApi();
  const events = useQuery(api.activity.activity.list.queryOptions());
  return (
    <>
      <PageHeading>Activity</PageHeading>
      <QueryView
        query={events}
        loading="Loading activity…"
        failed="Could not load your activity."
        empty={<p className="empty">Nothing yet: add a note and it shows up here.</p>}
      >
        {(items) => (
          <ol className="list timeline" aria-busy={events.isFetching}>
            {items.map((event) => (
              <li key={event.id} className="card item">
                <span>
                  <span className={`kind kind-${event.kind.replace('.', '-')}`}>{labelOf(event.kind)}</span>
                  {typeof event.detail?.noteId === 'string' ? (
                    <span className="detail"> · note {event.detail.noteId.slice(0, 8)}</span>
                  ) : null}
                </span>
                <time dateTime={event.createdAt} title={formatDateTime(event.createdAt)}>
                  {formatRelative(event.createdAt)}
                </time>
              </li>
            ))}
          </ol>
        )}
      </QueryView>
    </>
  );
}
