import { request } from 'node:http';
import type { Answer } from './http.ts';

/** What the server did with a body the client announced but was slow to send. */
export interface BodyFirstAnswer extends Answer {
  /** Body bytes the client had sent when the answer arrived (or the server cut the connection). */
  bytesSent: number;
  /**
   * The server closed the connection while the body was still being sent, before the client could
   * read an answer (EPIPE, ECONNRESET): it refused to read on. `status` is then 0.
   */
  cutOff: boolean;
}

/**
 * Sends a request's headers, then the body only as the server reads it (a chunk whenever the socket
 * drains, up to `bodyBytes`), and resolves as soon as an answer arrives. A server that bounds bodies
 * before reading them answers after few or no body bytes; one that buffers everything makes the
 * client send it all (or, with `holdBody`, never answers: the body is not sent at all and the call
 * rejects after `timeoutMs`).
 */
export function answerBeforeBody(
  url: string,
  options: {
    headers: Record<string, string>;
    /** Body bytes to offer, at most (default 64 MiB). */
    bodyBytes?: number;
    /** Send no body at all: only a server that answers from the headers alone resolves. */
    holdBody?: boolean;
    timeoutMs?: number;
  },
): Promise<BodyFirstAnswer> {
  const total = options.bodyBytes ?? 64 * 1024 * 1024;
  const timeoutMs = options.timeoutMs ?? 5000;
  const chunk = Buffer.alloc(64 * 1024, 'x');
  return new Promise((resolve, reject) => {
    let bytesSent = 0;
    let answered = false;
    const req = request(url, { method: 'POST', headers: options.headers, agent: false }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (data: Buffer) => chunks.push(data));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          body = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body, bytesSent, cutOff: false });
        req.destroy();
      });
    });
    // The server may close right after answering; what matters is the answer, not our write.
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (answered) return;
      if (!options.holdBody && (error.code === 'EPIPE' || error.code === 'ECONNRESET')) {
        resolve({ status: 0, headers: {}, text: '', body: undefined, bytesSent, cutOff: true });
      } else {
        reject(error);
      }
    });
    req.setTimeout(timeoutMs, () =>
      req.destroy(new Error(`no answer within ${timeoutMs} ms after sending ${bytesSent} body bytes`)),
    );
    req.flushHeaders();
    if (options.holdBody) return;
    const pump = () => {
      while (!answered && bytesSent < total) {
        const piece = chunk.subarray(0, Math.min(chunk.length, total - bytesSent));
        bytesSent += piece.length;
        if (!req.write(piece)) return void req.once('drain', pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}
