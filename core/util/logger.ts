export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/** JSON lines on a stream (stderr for the CLI), from a minimum level up. */
export function streamLogger(write: (line: string) => void, minLevel: (typeof LEVELS)[number] = 'warn', clock: () => number = Date.now): Logger {
  const min = LEVELS.indexOf(minLevel);
  const at = (level: (typeof LEVELS)[number]) => (message: string, fields?: Record<string, unknown>) => {
    if (LEVELS.indexOf(level) < min) return;
    write(JSON.stringify({ t: new Date(clock()).toISOString(), level, message, ...fields }) + '\n');
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
