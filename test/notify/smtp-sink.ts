// A minimal SMTP server for tests (no smtp-server package is installed): speaks enough ESMTP for nodemailer —
// EHLO, AUTH PLAIN, MAIL, RCPT, DATA, RSET, QUIT — and keeps every message it receives with its envelope.
import net from 'node:net';

export interface SinkMessage {
  from: string;
  to: string[];
  /** The raw message as received, dot-stuffing undone. */
  data: string;
  /** "user:pass" when the client authenticated. */
  auth?: string;
}

export interface SmtpSink {
  port: number;
  messages: SinkMessage[];
  close(): Promise<void>;
}

export async function startSmtpSink(opts: { requireAuth?: string } = {}): Promise<SmtpSink> {
  const messages: SinkMessage[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.setEncoding('utf8');
    let buffer = '';
    let inData = false;
    let auth: string | undefined;
    let envelope: { from: string; to: string[] } = { from: '', to: [] };
    const reply = (line: string) => socket.write(`${line}\r\n`);
    reply('220 sink.test ESMTP');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          const data = buffer.slice(0, end + 2).replace(/^\.\./gm, '.');
          buffer = buffer.slice(end + 5);
          inData = false;
          messages.push({ ...envelope, data, ...(auth ? { auth } : {}) });
          envelope = { from: '', to: [] };
          reply('250 2.0.0 OK: queued');
          continue;
        }
        const eol = buffer.indexOf('\r\n');
        if (eol < 0) return;
        const line = buffer.slice(0, eol);
        buffer = buffer.slice(eol + 2);
        const verb = line.split(' ')[0]!.toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') {
          reply('250-sink.test');
          reply('250-AUTH PLAIN');
          reply('250 8BITMIME');
        } else if (verb === 'AUTH') {
          const [, , token] = line.split(' ');
          const [, user, pass] = Buffer.from(token ?? '', 'base64')
            .toString('utf8')
            .split('\0');
          auth = `${user}:${pass}`;
          if (opts.requireAuth && auth !== opts.requireAuth) reply('535 5.7.8 Authentication failed');
          else reply('235 2.7.0 Authentication successful');
        } else if (verb === 'MAIL') {
          if (opts.requireAuth && auth !== opts.requireAuth) reply('530 5.7.0 Authentication required');
          else {
            envelope.from = /<([^>]*)>/.exec(line)?.[1] ?? '';
            reply('250 2.1.0 OK');
          }
        } else if (verb === 'RCPT') {
          envelope.to.push(/<([^>]*)>/.exec(line)?.[1] ?? '');
          reply('250 2.1.5 OK');
        } else if (verb === 'DATA') {
          inData = true;
          reply('354 End data with <CR><LF>.<CR><LF>');
        } else if (verb === 'RSET' || verb === 'NOOP') {
          reply('250 2.0.0 OK');
        } else if (verb === 'QUIT') {
          reply('221 2.0.0 Bye');
          socket.end();
        } else reply('502 5.5.2 Command not implemented');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    messages,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
