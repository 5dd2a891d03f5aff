CREATE SCHEMA "activity";
--> statement-breakpoint
CREATE TABLE "activity"."events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"kind" text NOT NULL,
	"detail" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "events_user_id_id_idx" ON "activity"."events" USING btree ("user_id","id");