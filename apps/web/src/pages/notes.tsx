import { MAX_NOTE_BODY_LENGTH } from '@revoke/contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { useApi } from '../api/api-context.tsx';
import { PageHeading } from '../components/page-heading.tsx';
import { QueryView } from '../components/query-view.tsx';
import { ErrorMessage } from '../components/status.tsx';
import { formatDateTime, formatRelative } from '../format.ts';
import { useSession } from '../session/session-context.tsx';
import { LiveNotes } from './live-notes.tsx';

/** A few words of a note, for button labels. */
function excerpt(body: string): string {
  const line = body.trim().split('\n')[0] ?? '';
  return line.length > 40 ? `${line.slice(0, 40)}…` : line;
}

/**
 * The user's notes: list, add, delete. Every change also lands in the activity feed. The list is kept
 * live by `notes.live` (changes from other devices appear), which also signs the page out on revocation.
 */
export function NotesPage() {
  const api = useApi();
  const session = useSession();
  const generation = session.status === 'signed-in' ? session.generation : 0;
  const queryClient = useQueryClient();
  const id = useId();
  const [body, setBody] = useState('');
  const notes = useQuery(api.notes.notes.list.queryOptions());
  const changed = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: api.notes.notes.list.queryKey() }),
      queryClient.invalidateQueries({ queryKey: api.activity.activity.list.queryKey() }),
    ]);
  const create = useMutation(
    api.notes.notes.create.mutationOptions({
      onSuccess: async () => {
        setBody('');
        await changed();
      },
    }),
  );
  const remove = useMutation(api.notes.notes.delete.mutationOptions({ onSuccess: changed }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (body.trim()) create.mutate({ body });
  };

  return (
    <>
      <PageHeading>Notes</PageHeading>
      <form className="card form" onSubmit={submit} aria-busy={create.isPending}>
        <label htmlFor={`${id}-body`}>New note</label>
        <textarea
          id={`${id}-body`}
          rows={3}
          maxLength={MAX_NOTE_BODY_LENGTH}
          required
          readOnly={create.isPending}
          value={body}
          onChange={(event) => setBody(event.target.value)}
        />
        {create.isError ? <ErrorMessage title="The note was not saved." error={create.error} /> : null}
        <button type="submit" disabled={create.isPending || !body.trim()}>
          {create.isPending ? 'Adding…' : 'Add note'}
        </button>
      </form>

      <section aria-labelledby={`${id}-list`}>
        <h2 id={`${id}-list`}>Your notes</h2>
        <LiveNotes key={generation} />
        {remove.isError ? <ErrorMessage title="The note was not deleted." error={remove.error} /> : null}
        <QueryView
          query={notes}
          loading="Loading notes…"
          failed="Could not load your notes."
          empty={<p className="empty">No notes yet. Write the first one above.</p>}
        >
          {(items) => (
            <ul className="list" aria-busy={notes.isFetching}>
              {items.map((note) => (
                <li key={note.id} className="card item">
                  <p className="note-body">{note.body}</p>
                  <div className="meta">
                    <time dateTime={note.createdAt} title={formatDateTime(note.createdAt)}>
                      {formatRelative(note.createdAt)}
                    </time>
                    <button
                      type="button"
                      className="danger small"
                      aria-label={`Delete note “${excerpt(note.body)}”`}
                      disabled={remove.isPending && remove.variables?.id === note.id}
                      onClick={() => remove.mutate({ id: note.id })}
                    >
                      {remove.isPending && remove.variables?.id === note.id ? 'Deleting…' : 'Delete'}
                    </button>
                  </div>
                </li>
              ))}
            </ul>
          )}
        </QueryView>
      </section>
    </>
  );
}
