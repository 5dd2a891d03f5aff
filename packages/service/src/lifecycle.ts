import type { Logger } from 'pino';

/**
 * On SIGINT or SIGTERM: stop accepting requests, let in-flight ones finish, close connections,
 * exit. A second signal exits at once.
 */
export function closeOnSignals(
  service: string,
  logger: Logger,
  close: () => Promise<void>,
  drainTimeoutMs = 10_000,
): void {
  let closing = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (closing) process.exit(1);
      closing = true;
      logger.info({ signal }, `${service}: shutting down`);
      // A request that never ends must not keep the process alive forever.
      setTimeout(() => {
        logger.error({ drainTimeoutMs }, `${service}: did not shut down in time; exiting`);
        process.exit(1);
      }, drainTimeoutMs).unref();
      close().then(
        () => process.exit(0),
        (error: Error) => {
          logger.error({ err: error.message }, `${service}: error while shutting down`);
          process.exit(1);
        },
      );
    });
  }
}
