import { pgSchema } from 'drizzle-orm/pg-core';

/** The Postgres schema `auth`: every table of the auth app, and no other service's. */
export const authSchema = pgSchema('auth');
