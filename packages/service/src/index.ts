/**
 * What every app shares: the env (declared once, parsed once), the auth stack, the HTTP app, and
 * `startService`, the one way an app starts and stops.
 */
export {
  type AppEnv,
  type AppPlacementEnv,
  type AppPlacementShape,
  appPlacementShape,
  defineAppEnv,
  placementOf,
} from './app-env.ts';
export {
  type AuthStack,
  type AuthStackEnv,
  type AuthStackOptions,
  createAuthStack,
  startAuthStack,
} from './auth-stack.ts';
export { databaseAnswers } from './database-readiness.ts';
export { optionalString, portSchema, serviceEnvShape, sharedEnvShape } from './env.ts';
export {
  createHttpApp,
  defaultJsonContentType,
  type HttpAppOptions,
  refuseHeadOnTrpc,
  registerMetricsRoute,
} from './http-app.ts';
export { closeOnSignals } from './lifecycle.ts';
export { limitTrpcRequests, SERVER_TIMEOUTS, TRPC_MAX_BATCH_SIZE } from './request-limits.ts';
export {
  type BuildDepsOptions,
  buildServiceDeps,
  type ServiceDeps,
  type ServiceDepsEnv,
} from './service-deps.ts';
export { createServiceServer, type ServiceServerEnv } from './service-server.ts';
export {
  createServiceTokenSource,
  ServiceTokenError,
  type ServiceTokenSource,
  type ServiceTokenSourceOptions,
} from './service-token-source.ts';
export {
  createServiceTRPC,
  type ServiceContext,
  type ServiceMeta,
} from './service-trpc.ts';
export { type RunningDeps, type ServiceDefinition, startService } from './start-service.ts';
