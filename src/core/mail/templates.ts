import type { MailMessage } from './mail-message.js';
import { escapeHtml } from '../html.js';

export interface OtpMailInput {
  to: string;
  /** Exactly six digits; the dev mailbox and tests find the code by that shape. */
  code: string;
  purpose: 'enroll' | 'challenge';
  expiresAt: Date;
  /** The code's lifetime; the template cannot compute "in N minutes" itself without a clock. */
  lifetimeSeconds: number;
  productName: string;
  firstName?: string;
}


/** Names come from user input: keep them on one line so they cannot forge extra body lines. */
const oneLine = (value: string): string => value.replace(/\s+/g, ' ').trim();

const plural = (n: number, unit: string): string => `${n} ${unit}${n === 1 ? '' : 's'}`;

/** Rounded down: telling the user less time than they have is harmless, more is not. */
function lifetimeText(lifetimeSeconds: number): string {
  const seconds = Math.max(0, Math.floor(lifetimeSeconds));
  return seconds < 60 ? plural(seconds, 'second') : plural(Math.floor(seconds / 60), 'minute');
}

/** "2026-01-01 00:10 UTC", truncated to the minute (again never later than the real expiry). */
function utcText(date: Date): string {
  const iso = date.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** The one-time code mail for confirming an email address (enroll) or signing in (challenge). */
export function otpMail(input: OtpMailInput): MailMessage {
  // A malformed code would produce a mail nobody (not even the dev mailbox) can read a code from.
  if (!/^\d{6}$/.test(input.code)) throw new TypeError('otpMail: code must be exactly 6 digits');

  const product = oneLine(input.productName);
  const name = input.firstName === undefined ? '' : oneLine(input.firstName);
  const enroll = input.purpose === 'enroll';

  // The code stays out of the subject: subjects show up in notification previews and relay logs.
  const subject = enroll ? `Confirm your email address for ${product}` : `Your ${product} sign-in code`;
  const action = enroll ? `confirm your email address for ${product}` : `sign in to ${product}`;
  const expiresIn = lifetimeText(input.lifetimeSeconds);
  const expiresAt = utcText(input.expiresAt);
  const greeting = name === '' ? 'Hello,' : `Hello ${name},`;
  const notYou = enroll
    ? 'If you did not ask for this, you can ignore this email.'
    : 'If you did not try to sign in, you can ignore this email, but consider changing your password: someone may know it.';

  const text = [
    greeting,
    '',
    `Use this code to ${action}:`,
    '',
    `    ${input.code}`,
    '',
    `The code expires in ${expiresIn} (at ${expiresAt}). Do not share it with anyone.`,
    '',
    notYou,
    '',
    `- ${product}`,
    '',
  ].join('\n');

  const h = escapeHtml;
  // Inline styles only and no images, fonts or links: nothing is fetched when the mail is opened.
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(subject)}</title>
</head>
<body style="margin:0;padding:24px;background:#f4f4f5;font-family:Arial,Helvetica,sans-serif;color:#18181b;">
<div style="max-width:480px;margin:0 auto;padding:24px;background:#ffffff;border-radius:8px;">
<p style="margin:0 0 16px;">${h(greeting)}</p>
<p style="margin:0 0 16px;">Use this code to ${h(action)}:</p>
<p style="margin:0 0 16px;font-family:'Courier New',Courier,monospace;font-size:32px;font-weight:bold;letter-spacing:6px;">${h(input.code)}</p>
<p style="margin:0 0 16px;">The code expires in ${h(expiresIn)} (at ${h(expiresAt)}). Do not share it with anyone.</p>
<p style="margin:0 0 16px;color:#52525b;font-size:14px;">${h(notYou)}</p>
<p style="margin:0;color:#52525b;font-size:14px;">&mdash; ${h(product)}</p>
</div>
</body>
</html>
`;

  return { to: input.to, subject, text, html, kind: enroll ? 'otp-enroll' : 'otp-challenge' };
}
