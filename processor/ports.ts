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
