/** Shared plumbing of the internal services (notes, activity): env, auth stack, HTTP app, lifecycle. */
export {
  type AuthStack,
  type AuthStackEnv,
  type AuthStackOptions,
  createAuthStack,
  startAuthStack,
} from './auth-stack.ts';
export { optionalString, parseEnvOrExit, portSchema, serviceEnvShape } from './env.ts';
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
  createServiceTokenSource,
  ServiceTokenError,
  type ServiceTokenSource,
  type ServiceTokenSourceOptions,
} from './service-token-source.ts';
