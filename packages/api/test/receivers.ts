import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/**
 * Local receivers for the alert tests (here and in apps/server): a real SMTP server and a
 * webhook endpoint on 127.0.0.1, each keeping what it was sent.
 */

export interface Mail {
  to: string[];
  subject: string;
  raw: string;
}

export interface SmtpInbox {
  url: string;
  mails: Mail[];
  /** While true, every recipient is refused with 421 (the server is "down"). */
  down: boolean;
  close(): Promise<void>;
}

export async function smtpInbox(): Promise<SmtpInbox> {
  const inbox: SmtpInbox = { url: '', mails: [], down: false, close: () => Promise.resolve() };
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onRcptTo(_address, _session, callback) {
      callback(inbox.down ? Object.assign(new Error('Service not available, try later'), { responseCode: 421 }) : undefined);
    },
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
      stream.on('end', () => {
        inbox.mails.push({ to: session.envelope.rcptTo.map((r) => r.address), subject: /^Subject: (.*)$/m.exec(raw)?.[1] ?? '', raw });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  inbox.url = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
  inbox.close = () => new Promise((resolve) => smtp.close(() => resolve()));
  return inbox;
}

export interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
  at: number;
}

/** A webhook receiver that answers each request with the next status of `statuses` (then 200). */
export async function webhookReceiver(statuses: number[] = []): Promise<{ url: string; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      received.push({ headers: req.headers, body, at: Date.now() });
      res.writeHead(statuses.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Polls read() until check() holds or time runs out (generous: the machine is shared), and returns its last value. */
export async function eventually<T>(read: () => T | Promise<T>, check: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
