ALTER TABLE "auth"."revocations" DROP CONSTRAINT "revocations_kind";--> statement-breakpoint
ALTER TABLE "auth"."refresh_tokens" ADD COLUMN "successor_sealed" text;--> statement-breakpoint
CREATE INDEX "refresh_tokens_expires_at_idx" ON "auth"."refresh_tokens" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "sessions_revoked_at_idx" ON "auth"."sessions" USING btree ("revoked_at");--> statement-breakpoint
CREATE INDEX "sessions_last_seen_at_idx" ON "auth"."sessions" USING btree ("last_seen_at");--> statement-breakpoint
ALTER TABLE "auth"."revocations" ADD CONSTRAINT "revocations_kind" CHECK ("auth"."revocations"."kind" IN ('jti', 'sid', 'sub', 'kid'));