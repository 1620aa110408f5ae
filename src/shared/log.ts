// The logging surface the bridge's modules accept: pino's methods, or anything of the same shape (tests pass a
// recorder). The pino instance itself is built in ./logger.ts by the composition root.

export interface LoggerLike {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: LoggerLike = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
