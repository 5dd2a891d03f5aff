/** One server-sent event as tRPC sends it: `message` (data), `connected`, `serialized-error`, `return`. */
export interface SseEvent {
  event: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON
  data: any;
}

/** An open SSE response (a tRPC subscription) read event by event: Node 20 has no EventSource. */
export interface SseStream {
  status: number;
  headers: Headers;
  /** The next event; rejects after `timeoutMs` or when the stream ended. */
  next(timeoutMs?: number): Promise<SseEvent>;
  /** Resolves once the server ended the response. */
  ended: Promise<void>;
  close(): void;
}

/** GETs `url` as an event stream and parses it. */
export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
  const controller = new AbortController();
  const response = await fetch(url, {
    headers: { accept: 'text/event-stream', ...headers },
    signal: controller.signal,
  });
  const queue: SseEvent[] = [];
  const waiters: (() => void)[] = [];
  let finished = false;
  const wake = () => {
    for (const waiter of waiters.splice(0)) waiter();
  };
  const ended = (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('event:')) event = line.slice(6).trim();
            else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
          }
          if (data.length === 0 && event === 'message') continue;
          const text = data.join('\n');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {}
          queue.push({ event, data: parsed });
          wake();
        }
      }
    } catch {
      // Aborted by close().
    } finally {
      finished = true;
      wake();
    }
  })();

  return {
    status: response.status,
    headers: response.headers,
    ended,
    async next(timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const event = queue.shift();
        if (event) return event;
        if (finished) throw new Error('the stream ended');
        const remaining = deadline - Date.now();
        if (remaining <= 0) throw new Error(`no event within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, remaining);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    },
    close: () => controller.abort(),
  };
}
