export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Why the message exists (otp-enroll, otp-challenge); logged and shown in the dev mailbox. */
  kind: string;
}

/** Port: something that delivers a message or throws. */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
}
