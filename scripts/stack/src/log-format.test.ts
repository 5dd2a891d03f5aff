import { describe, expect, it } from 'vitest';
import { createLineFormatter } from './log-format.ts';

const plain = (_colour: string, text: string) => text;
const at = Date.UTC(2026, 0, 2, 3, 4, 5, 67);
const line = (record: Record<string, unknown>) =>
  JSON.stringify({ level: 30, time: at, pid: 1, hostname: 'h', ...record });

describe('createLineFormatter', () => {
  it('shows time, level, message and the other fields of a pino line, without pid and hostname', () => {
    const text = createLineFormatter(plain)(
      line({ msg: 'auth: ready', url: 'http://127.0.0.1:4000', entries: 0 }),
    );
    expect(text).toMatch(
      /^\d\d:\d\d:\d\d\.067 INFO {2}auth: ready url=http:\/\/127\.0\.0\.1:4000 entries=0$/,
    );
    expect(text).not.toContain('hostname');
  });

  it('folds fastify’s two request lines into one, with method, url, status and time', () => {
    const format = createLineFormatter(plain);
    const incoming = line({
      reqId: 'req-1',
      req: { method: 'GET', url: '/trpc/notes.list' },
      msg: 'incoming request',
    });
    expect(format(incoming)).toBeNull();
    const completed = line({
      reqId: 'req-1',
      res: { statusCode: 401 },
      responseTime: 1.234,
      msg: 'request completed',
    });
    expect(format(completed)).toMatch(/INFO {2}GET \/trpc\/notes\.list → 401 1\.2 ms$/);
  });

  it('hides the stack’s own readiness probes', () => {
    const format = createLineFormatter(plain);
    expect(
      format(line({ reqId: 'r', req: { method: 'GET', url: '/readyz' }, msg: 'incoming request' })),
    ).toBeNull();
    expect(format(line({ reqId: 'r', res: { statusCode: 503 }, msg: 'request completed' }))).toBeNull();
  });

  it('shows an error’s message inline, and its stack under an error line', () => {
    const err = { type: 'Error', message: 'boom', stack: 'Error: boom\n    at here (x.ts:1:1)' };
    const text = createLineFormatter(plain)(line({ level: 50, err, msg: 'trpc: internal error' }));
    expect(text).toBe(`${text?.split('\n')[0]}\n    at here (x.ts:1:1)`);
    expect(text?.split('\n')[0]).toMatch(/ERROR trpc: internal error err="boom"$/);
  });

  it('passes anything that is not a pino line through unchanged', () => {
    const format = createLineFormatter(plain);
    expect(format('auth: cannot start: Redis is not reachable')).toBe(
      'auth: cannot start: Redis is not reachable',
    );
    expect(format('{"not":"pino"}')).toBe('{"not":"pino"}');
    expect(format('{broken')).toBe('{broken');
  });

  it('quotes values with spaces and cuts long ones', () => {
    const text = createLineFormatter(plain)(line({ msg: 'm', note: 'two words', blob: 'x'.repeat(500) }));
    expect(text).toContain('note="two words"');
    expect(text).toMatch(/blob=x{119}…$/);
  });
});
