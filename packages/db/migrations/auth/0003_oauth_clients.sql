CREATE TABLE "auth"."oauth_clients" (
	"id" text PRIMARY KEY NOT NULL,
	"secret_hash" text NOT NULL,
	"capabilities" text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "oauth_clients_id_shape" CHECK ("auth"."oauth_clients"."id" ~ '^[a-z][a-z0-9-]{1,31}$'),
	CONSTRAINT "oauth_clients_secret_hash_sha256_hex" CHECK ("auth"."oauth_clients"."secret_hash" ~ '^[0-9a-f]{64}$')
);
--> statement-breakpoint
ALTER TABLE "auth"."sessions" ADD COLUMN "client_id" text DEFAULT 'revoke-cli' NOT NULL;