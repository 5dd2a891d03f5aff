import type { StandardSchemaV1 } from '@t3-oss/env-core';
import { createEnv } from '@t3-oss/env-core';
import { z } from 'zod';
import { portSchema } from './env.ts';

/** Where an app listens and keeps its embedded database, by name: `NOTES_PORT`, `NOTES_HOST`, `NOTES_DATA_DIR`. */
export type AppPlacementShape<N extends string> = Record<
  `${Uppercase<N>}_PORT`,
  z.ZodDefault<typeof portSchema>
> &
  Record<`${Uppercase<N>}_HOST` | `${Uppercase<N>}_DATA_DIR`, z.ZodDefault<z.ZodString>>;

/** The values of {@link AppPlacementShape}, once parsed. */
export type AppPlacementEnv<N extends string> = Record<`${Uppercase<N>}_PORT`, number> &
  Record<`${Uppercase<N>}_HOST` | `${Uppercase<N>}_DATA_DIR`, string>;

/**
 * The variables that place app `name` on one machine, with the defaults every app follows: its port,
 * the loopback host, and `.data/<name>` for its embedded PGlite database (used when `DATABASE_URL` is unset).
 */
export function appPlacementShape<N extends string>(name: N, defaultPort: number): AppPlacementShape<N> {
  const prefix = name.toUpperCase();
  return {
    [`${prefix}_PORT`]: portSchema.default(defaultPort),
    [`${prefix}_HOST`]: z.string().default('127.0.0.1'),
    [`${prefix}_DATA_DIR`]: z.string().default(`.data/${name}`),
  } as AppPlacementShape<N>;
}

/** Reads {@link appPlacementShape}'s values back from a parsed env. */
export function placementOf<N extends string>(
  name: N,
  env: AppPlacementEnv<N>,
): { port: number; host: string; dataDir: string } {
  const values = env as unknown as Record<string, string | number>;
  const prefix = name.toUpperCase();
  return {
    port: values[`${prefix}_PORT`] as number,
    host: values[`${prefix}_HOST`] as string,
    dataDir: values[`${prefix}_DATA_DIR`] as string,
  };
}

/** An app's configuration: the schema (tests parse their own values with it) and the loader `index.ts` calls. */
export interface AppEnv<TSchema extends z.ZodType> {
  schema: TSchema;
  /** Parses `source` (default `process.env`), exiting with one readable line per problem. */
  load(source?: Record<string, string | undefined>): z.output<TSchema>;
}

/**
 * Declares app `name`'s configuration: `shape` is the shared settings it reads spread with its own;
 * `finalize` adds checks across variables and derived values. Nothing else reads `process.env`.
 */
export function defineAppEnv<TShape extends z.ZodRawShape, TSchema extends z.ZodType = z.ZodObject<TShape>>(
  name: string,
  shape: TShape,
  finalize: (object: z.ZodObject<TShape>) => TSchema = (object) => object as unknown as TSchema,
): AppEnv<TSchema> {
  const schema = finalize(z.object(shape));
  return {
    schema,
    load(source = process.env) {
      const env = createEnv({
        server: shape as Record<string, StandardSchemaV1>,
        runtimeEnv: source,
        createFinalSchema: () => schema as StandardSchemaV1<object, object>,
        onValidationError: (issues) => exitWithProblems(name, issues),
      });
      // A plain object rather than env-core's proxy: logged, spread and compared like any other value.
      return { ...env } as z.output<TSchema>;
    },
  };
}

/** Prints one line per problem (`  PORT: Too big…`) under the app's name, then exits 1. */
function exitWithProblems(name: string, issues: readonly StandardSchemaV1.Issue[]): never {
  const problems = issues.map((issue) => {
    const path = (issue.path ?? []).map((segment) => (typeof segment === 'object' ? segment.key : segment));
    return `  ${path.map(String).join('.')}: ${issue.message}`;
  });
  console.error(`${name}: invalid configuration:\n${problems.join('\n')}`);
  process.exit(1);
}
