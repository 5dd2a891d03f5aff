import { desc, eq } from '@revoke/db';
import { type ActivityDb, type ActivityEvent, events } from '@revoke/db/activity';
import type { RecordInput } from './inputs.ts';

/** `activity.list` returns at most this many events, newest first: a feed, not an export. */
export const LIST_LIMIT = 100;

/** An event as the API returns it (plain JSON: no transformer, so dates are ISO strings). */
export interface EventView {
  id: number;
  kind: string;
  detail: Record<string, unknown> | null;
  createdAt: string;
}

function view(row: ActivityEvent): EventView {
  return { id: row.id, kind: row.kind, detail: row.detail, createdAt: row.createdAt.toISOString() };
}

/** The user's newest events; `id` breaks ties, since two events may share a timestamp. */
export async function listEvents(db: ActivityDb, userId: string): Promise<EventView[]> {
  const rows = await db
    .select()
    .from(events)
    .where(eq(events.userId, userId))
    .orderBy(desc(events.id))
    .limit(LIST_LIMIT);
  return rows.map(view);
}

/** Appends one event to the user's feed. */
export async function recordEvent(db: ActivityDb, userId: string, input: RecordInput): Promise<EventView> {
  const [row] = await db
    .insert(events)
    .values({ userId, kind: input.kind, detail: input.detail })
    .returning();
  return view(row!);
}
