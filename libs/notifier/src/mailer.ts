import { Injectable } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import type { SendOutcome } from './webhook.sender';

export interface MailerOptions {
  /** smtp://user:pass@host:port or smtps://…; unset: e-mail deliveries are dead-lettered ('no SMTP server configured'). */
  url?: string;
  from: string;
}

/** SMTP out (the one door to it): nodemailer on the configured server. */
@Injectable()
export class Mailer {
  private readonly transport: Transporter | undefined;

  constructor(private readonly options: MailerOptions) {
    this.transport = options.url ? nodemailer.createTransport(options.url) : undefined;
  }

  async send(message: { to: string; subject: string; text: string; html: string; idempotencyKey: string }): Promise<SendOutcome> {
    if (!this.transport) return { ok: false, retry: false, error: 'no SMTP server configured (HV_SMTP_URL)' };
    try {
      // The Message-ID is derived from the delivery: a retry after a lost answer is the same message to mail clients.
      await this.transport.sendMail({ from: this.options.from, to: message.to, subject: message.subject, text: message.text, html: message.html, messageId: `<${message.idempotencyKey}@hyperviseur>` });
      return { ok: true };
    } catch (error) {
      const code = (error as { responseCode?: number }).responseCode;
      // 5xx SMTP replies are permanent (mailbox unknown, refused); the rest (4xx, connection) may pass later.
      return { ok: false, retry: !(typeof code === 'number' && code >= 500), error: (error as Error).message };
    }
  }

  close(): void {
    this.transport?.close();
  }
}
