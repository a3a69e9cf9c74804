import net from 'node:net';

/** What came back on one raw connection: the parsed status line, headers and body, and whether the server ended it. */
export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The server closed (FIN or reset) the connection within the wait. */
  closed: boolean;
  raw: string;
}

/**
 * Send `bytes` on a fresh TCP connection and read until the server closes it or a complete
 * response (by Content-Length) has arrived and `waitForClose` is false. `halfClose` ends our
 * side after writing (a truncated body: the server sees EOF before Content-Length bytes).
 */
export function rawRequest(
  port: number,
  bytes: string | Buffer | Array<string | Buffer>,
  opts: { halfClose?: boolean; waitForClose?: boolean; timeoutMs?: number } = {},
): Promise<RawResponse> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ ...parse(Buffer.concat(chunks).toString('latin1')), closed });
    };
    const timer = setTimeout(() => finish(false), opts.timeoutMs ?? 5000);
    socket.on('error', () => finish(true));
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('data', (d) => {
      chunks.push(d);
      if (opts.waitForClose) return;
      const r = parse(Buffer.concat(chunks).toString('latin1'));
      if (
        r.status &&
        r.headers['content-length'] !== undefined &&
        Buffer.byteLength(r.body, 'latin1') >= Number(r.headers['content-length'])
      ) {
        // Give the server a moment to close after a response that says Connection: close.
        if (r.headers.connection === 'close') return;
        finish(false);
      }
    });
    socket.on('connect', () => {
      for (const part of Array.isArray(bytes) ? bytes : [bytes]) socket.write(part);
      if (opts.halfClose) socket.end();
    });
  });
}

function parse(text: string): Omit<RawResponse, 'closed'> {
  const split = text.indexOf('\r\n\r\n');
  if (split < 0) return { status: 0, headers: {}, body: '', raw: text };
  const [statusLine, ...lines] = text.slice(0, split).split('\r\n');
  const headers: Record<string, string> = {};
  for (const l of lines) {
    const i = l.indexOf(':');
    if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
  }
  return { status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0), headers, body: text.slice(split + 4), raw: text };
}

/** A JSON POST to /graphql as raw bytes. */
export function rawPost(body: string | Buffer, headers: Record<string, string> = {}, path = '/graphql'): string {
  const length = Buffer.byteLength(body);
  const extra = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  return `POST ${path} HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\ncontent-length: ${length}\r\n${extra}\r\n${body}`;
}
