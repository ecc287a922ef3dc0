import { connect } from 'node:net';
import type { FailureKind } from './samples.ts';

export interface RawReply {
  readonly status?: number;
  readonly headers: Record<string, string>;
  readonly failure?: FailureKind;
}

/**
 * Status line and headers of the first final (non-1xx) response in `data`, if they have fully arrived: a
 * `100 Continue` is only the server inviting the body.
 */
export function parseResponseHead(data: string): { status: number; headers: Record<string, string> } | undefined {
  const end = data.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine, ...lines] = data.slice(0, end).split('\r\n');
  const status = /^HTTP\/\d(?:\.\d)? (\d{3})/.exec(statusLine ?? '')?.[1];
  if (status === undefined) return undefined;
  if (status.startsWith('1')) return parseResponseHead(data.slice(end + 4));
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(status), headers };
}

/**
 * Writes bytes no HTTP client library would send (NUL in a header, a lying Content-Length, a broken request
 * line ...) on a fresh connection and reads the head of the first answer.
 */
export function sendRaw(port: number, request: Buffer, timeoutMs: number): Promise<RawReply> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    let settled = false;
    const finish = (reply: RawReply) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(reply);
    };
    const timer = setTimeout(() => finish({ headers: {}, failure: 'timeout' }), timeoutMs);
    socket.on('connect', () => socket.write(request));
    socket.on('data', (chunk: Buffer) => {
      data += chunk.toString('latin1');
      const head = parseResponseHead(data);
      if (head) finish(head);
    });
    socket.on('error', (error: NodeJS.ErrnoException) =>
      finish({ headers: {}, failure: error.code === 'ECONNREFUSED' ? 'refused' : error.code === 'ECONNRESET' || error.code === 'EPIPE' ? 'reset' : 'other' }),
    );
    // Closed with no answer: the server dropped the request without a word.
    socket.on('close', () => finish(parseResponseHead(data) ?? { headers: {}, failure: 'reset' }));
  });
}
