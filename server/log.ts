/** Minimal leveled logger: one line per event, JSON when ENGRAM_LOG_FORMAT=json. */
const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
export type LogLevel = keyof typeof LEVELS;

function threshold(): number {
  const level = (process.env.ENGRAM_LOG_LEVEL ?? 'info') as LogLevel;
  return LEVELS[level] ?? LEVELS.info;
}

function emit(level: Exclude<LogLevel, 'silent'>, msg: string, fields?: Record<string, unknown>) {
  if (LEVELS[level] < threshold()) return;
  const stream = level === 'error' || level === 'warn' ? process.stderr : process.stdout;
  if (process.env.ENGRAM_LOG_FORMAT === 'json') {
    stream.write(JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields }) + '\n');
    return;
  }
  const extra = fields && Object.keys(fields).length > 0 ? ' ' + JSON.stringify(fields) : '';
  stream.write(`[engram] ${level.padEnd(5)} ${msg}${extra}\n`);
}

export const log = {
  debug: (msg: string, fields?: Record<string, unknown>) => emit('debug', msg, fields),
  info: (msg: string, fields?: Record<string, unknown>) => emit('info', msg, fields),
  warn: (msg: string, fields?: Record<string, unknown>) => emit('warn', msg, fields),
  error: (msg: string, fields?: Record<string, unknown>) => emit('error', msg, fields),
};
