/** What can happen to a user's data that the feed shows. Add a kind here before a service records it. */
export const ACTIVITY_KINDS = ['note.created', 'note.deleted'] as const;

/** One of {@link ACTIVITY_KINDS}. */
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

/** True when `value` is one of {@link ACTIVITY_KINDS} (for a kind read back from storage). */
export function isActivityKind(value: unknown): value is ActivityKind {
  return (ACTIVITY_KINDS as readonly unknown[]).includes(value);
}
