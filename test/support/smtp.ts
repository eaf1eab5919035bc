/**
 * A real SMTP server in the test process (smtp-server), without TLS: its bundled
 * certificate has expired, so STARTTLS is off and nodemailer sends in clear.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  raw: string;
}

export function startSmtp(): Promise<{ server: SMTPServer; port: number; mails: ReceivedMail[]; close(): Promise<void> }> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, port: (server.server.address() as AddressInfo).port, mails, close: () => new Promise((r) => server.close(() => r())) }),
    ),
  );
}

/** The text/plain part of a raw message, quoted-printable decoded (nodemailer encodes accented text so). */
export function plainText(raw: string): string {
  const part = /Content-Type: text\/plain[^\r\n]*\r?\n(?:[^\r\n]+\r?\n)*\r?\n([\s\S]*?)\r?\n--/i.exec(raw)?.[1] ?? '';
  const qp = /Content-Transfer-Encoding: quoted-printable/i.test(raw.slice(raw.search(/Content-Type: text\/plain/i)).split(/\r?\n\r?\n/)[0] ?? '');
  if (!qp) return part;
  const bytes = part.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}
