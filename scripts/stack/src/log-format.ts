import type { Paint } from './colours.ts';

const LEVELS: Record<number, { label: string; colour: 'grey' | 'green' | 'yellow' | 'red' }> = {
  10: { label: 'TRACE', colour: 'grey' },
  20: { label: 'DEBUG', colour: 'grey' },
  30: { label: 'INFO ', colour: 'green' },
  40: { label: 'WARN ', colour: 'yellow' },
  50: { label: 'ERROR', colour: 'red' },
  60: { label: 'FATAL', colour: 'red' },
};

/** pino's bookkeeping, and fastify's request id: noise on a terminal. */
const HIDDEN_FIELDS = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'v', 'reqId', 'component']);

/** The stack polls these itself; a line per poll would drown everything else. */
const PROBE_PATHS = new Set(['/readyz', '/healthz', '/metrics']);

const MAX_VALUE_CHARS = 120;
/** Requests whose completion line has not arrived yet, by request id; bounded against a leak. */
const MAX_PENDING_REQUESTS = 1000;

/** Turns one line of an app's output into what the terminal shows; `null` hides it. */
export type LineFormatter = (line: string) => string | null;

/**
 * Makes pino's JSON lines readable: time, level, message and a few fields. Fastify's two lines per
 * request ("incoming request", "request completed") become one (`GET /trpc/notes.list → 200 1.2 ms`),
 * and the stack's own health probes are hidden. Anything that is not pino JSON passes through.
 */
export function createLineFormatter(paint: Paint): LineFormatter {
  const pending = new Map<string, { method: string; url: string } | 'probe'>();
  return (line) => {
    const record = parseRecord(line);
    if (!record) return line;
    const reqId = typeof record.reqId === 'string' ? record.reqId : undefined;
    const req = asObject(record.req);
    if (record.msg === 'incoming request' && reqId && req) {
      const url = String(req.url ?? '');
      if (pending.size >= MAX_PENDING_REQUESTS) pending.clear();
      pending.set(
        reqId,
        PROBE_PATHS.has(url.split('?')[0] ?? '') ? 'probe' : { method: String(req.method), url },
      );
      return null;
    }
    const res = asObject(record.res);
    if (record.msg === 'request completed' && reqId && res) {
      const request = pending.get(reqId);
      pending.delete(reqId);
      if (request === 'probe') return null;
      const status = Number(res.statusCode);
      const statusColour = status >= 500 ? 'red' : status >= 400 ? 'yellow' : 'green';
      const took = typeof record.responseTime === 'number' ? ` ${record.responseTime.toFixed(1)} ms` : '';
      const what = request ? `${request.method} ${truncate(request.url)}` : 'request';
      return `${head(record, paint)} ${what} → ${paint(statusColour, String(status))}${took}`;
    }
    const fields = Object.entries(record)
      .filter(([key]) => !HIDDEN_FIELDS.has(key))
      .map(([key, value]) => `${paint('grey', `${key}=`)}${formatValue(key, value)}`);
    const text = [head(record, paint), String(record.msg ?? ''), ...fields].filter(Boolean).join(' ');
    const stack = errorStack(record);
    return stack && Number(record.level) >= 50 ? `${text}\n${paint('grey', stack)}` : text;
  };
}

function parseRecord(line: string): Record<string, unknown> | null {
  if (!line.startsWith('{')) return null;
  try {
    const value: unknown = JSON.parse(line);
    const record = asObject(value);
    return record && typeof record.level === 'number' ? record : null;
  } catch {
    return null;
  }
}

function asObject(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

function head(record: Record<string, unknown>, paint: Paint): string {
  const level = LEVELS[Number(record.level)] ?? { label: String(record.level), colour: 'grey' as const };
  const time = typeof record.time === 'number' ? new Date(record.time).toTimeString().slice(0, 8) : '';
  const millis = typeof record.time === 'number' ? `.${String(record.time % 1000).padStart(3, '0')}` : '';
  return `${paint('grey', `${time}${millis}`)} ${paint(level.colour, level.label)}`;
}

function formatValue(key: string, value: unknown): string {
  // pino serialises errors as { type, message, stack }: the message is what a reader needs inline.
  const error = asObject(value);
  if ((key === 'err' || key === 'error') && error && typeof error.message === 'string') {
    return JSON.stringify(error.message);
  }
  if (typeof value === 'string')
    return /^[\w.:/@+-]*$/.test(value) ? truncate(value) : truncate(JSON.stringify(value));
  if (typeof value === 'object' && value !== null) return truncate(JSON.stringify(value));
  return String(value);
}

function errorStack(record: Record<string, unknown>): string | undefined {
  const error = asObject(record.err) ?? asObject(record.error);
  const stack = error?.stack;
  if (typeof stack !== 'string') return undefined;
  // The first line repeats the message already shown.
  return stack.split('\n').slice(1).join('\n') || undefined;
}

function truncate(text: string): string {
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}
