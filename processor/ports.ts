// The narrow interfaces the processor is given at its root: clock and logger. Nothing in
// the processor creates its own or reaches for a global.

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export interface Logger {
  info(message: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(message: string, fields?: Readonly<Record<string, unknown>>): void;
  error(message: string, fields?: Readonly<Record<string, unknown>>): void;
}

export const systemClock: Clock = { now: () => Date.now() };

/** Logs one JSON object per line to stderr (stdout stays free for command output). */
export function jsonLogger(component: string): Logger {
  const write = (
    level: string,
    message: string,
    fields?: Readonly<Record<string, unknown>>,
  ): void => {
    process.stderr.write(
      JSON.stringify({ time: new Date().toISOString(), level, component, message, ...fields }) +
        '\n',
    );
  };
  return {
    info: (m, f) => {
      write('info', m, f);
    },
    warn: (m, f) => {
      write('warn', m, f);
    },
    error: (m, f) => {
      write('error', m, f);
    },
  };
}

const RANK: Readonly<Record<string, number>> = { trace: 0, debug: 0, info: 0, warn: 1, error: 2 };

/**
 * `logger` writing only messages at `level` or above (processors.logging.level). The processor
 * has no trace or debug messages: those levels log what info logs.
 */
export function leveledLogger(logger: Logger, level: string): Logger {
  const least = RANK[level] ?? 0;
  const quiet = () => undefined;
  return {
    info:
      least <= 0
        ? (m, f) => {
            logger.info(m, f);
          }
        : quiet,
    warn:
      least <= 1
        ? (m, f) => {
            logger.warn(m, f);
          }
        : quiet,
    error: (m, f) => {
      logger.error(m, f);
    },
  };
}
