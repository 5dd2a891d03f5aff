import { connect, type Socket } from 'node:net';

type Reply = string | number | null | Reply[];

/** Reads one RESP reply starting at `at`; undefined when the buffer does not hold all of it yet. */
function parse(buffer: Buffer, at: number): { value: Reply; end: number } | undefined {
  const lineEnd = buffer.indexOf('\r\n', at);
  if (lineEnd < 0) return undefined;
  const type = String.fromCharCode(buffer[at]!);
  const line = buffer.toString('utf8', at + 1, lineEnd);
  if (type === '+' || type === ':') return { value: type === ':' ? Number(line) : line, end: lineEnd + 2 };
  if (type === '-') throw new Error(`redis: ${line}`);
  const length = Number(line);
  if (type === '$') {
    if (length < 0) return { value: null, end: lineEnd + 2 };
    if (buffer.length < lineEnd + 2 + length + 2) return undefined;
    return {
      value: buffer.toString('utf8', lineEnd + 2, lineEnd + 2 + length),
      end: lineEnd + 2 + length + 2,
    };
  }
  const items: Reply[] = [];
  let end = lineEnd + 2;
  for (let i = 0; i < length; i++) {
    const item = parse(buffer, end);
    if (!item) return undefined;
    items.push(item.value);
    end = item.end;
  }
  return { value: items, end };
}

/** Sends one command and waits for its reply (one command at a time on this socket). */
function command(socket: Socket, args: string[]): Promise<Reply> {
  const payload = `*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`;
  return new Promise((resolve, reject) => {
    let buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      try {
        const reply = parse(buffer, 0);
        if (!reply) return;
        socket.off('data', onData);
        resolve(reply.value);
      } catch (error) {
        socket.off('data', onData);
        reject(error);
      }
    };
    socket.on('data', onData);
    socket.write(payload);
  });
}

/**
 * Removes every key under `prefix` (the stack's REVOCATION_PREFIX: its epoch and index keys have no
 * TTL), with SCAN and UNLINK in batches, never KEYS. A few lines of RESP rather than a Redis client
 * dependency for one clean-up.
 */
export async function deleteKeysWithPrefix(redisUrl: string, prefix: string): Promise<void> {
  const url = new URL(redisUrl);
  const socket = connect({ host: url.hostname || '127.0.0.1', port: Number(url.port || 6379) });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  try {
    if (url.password) {
      await command(socket, url.username ? ['AUTH', url.username, url.password] : ['AUTH', url.password]);
    }
    if (url.pathname.length > 1) await command(socket, ['SELECT', url.pathname.slice(1)]);
    const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
    let cursor = '0';
    do {
      const [next, keys] = (await command(socket, ['SCAN', cursor, 'MATCH', pattern, 'COUNT', '1000'])) as [
        string,
        string[],
      ];
      if (keys.length > 0) await command(socket, ['UNLINK', ...keys]);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    socket.end();
  }
}
