import type { MailMessage } from './mail-message.js';
import { escapeHtml } from '../html.js';

export interface PushMailInput {
  to: string;
  purpose: 'verify' | 'activate';
  /** The approval page (GET shows the request; answering takes a POST from that page). */
  pageUrl: string;
  requestedAt: Date;
  expiresAt: Date;
  ip: string | null;
  userAgent: string | null;
  productName: string;
  firstName?: string;
}

/** Request data comes from the network: one line, bounded, so it cannot forge extra body lines. */
const oneLine = (value: string, max = 200): string => value.replace(/\s+/g, ' ').trim().slice(0, max);
const utcText = (date: Date): string => `${date.toISOString().slice(0, 10)} ${date.toISOString().slice(11, 19)} UTC`;

/**
 * The push request, delivered by email: what is asked (sign-in or device enrolment), when, from
 * where, and links to the approval page. Links only open the page; nothing is approved or denied
 * by following a link (mail scanners prefetch links), only by the page's POST forms.
 */
export function pushMail(input: PushMailInput): MailMessage {
  const product = oneLine(input.productName);
  const name = input.firstName === undefined ? '' : oneLine(input.firstName);
  const enrol = input.purpose === 'activate';
  const subject = enrol ? `Approve this email as a ${product} push authenticator` : `Approve your ${product} sign-in?`;
  const what = enrol ? `set up push approval by email for ${product}` : `sign in to ${product}`;
  const approve = `${input.pageUrl}?answer=approve`;
  const deny = `${input.pageUrl}?answer=deny`;
  const details = [
    `Time:       ${utcText(input.requestedAt)}`,
    `IP address: ${oneLine(input.ip ?? 'unknown')}`,
    `Browser:    ${oneLine(input.userAgent ?? 'unknown')}`,
    `Expires:    ${utcText(input.expiresAt)}`,
  ];
  const greeting = name === '' ? 'Hello,' : `Hello ${name},`;
  const text = [
    greeting,
    '',
    `Someone asked to ${what}:`,
    '',
    ...details.map((d) => `    ${d}`),
    '',
    `Approve: ${approve}`,
    `Deny:    ${deny}`,
    '',
    'Each link opens a page where you confirm your answer. If this was not you, deny it and change your password.',
    '',
    `- ${product}`,
    '',
  ].join('\n');
  const h = escapeHtml;
  const html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${h(subject)}</title></head>
<body style="margin:0;padding:24px;background:#f4f4f5;font-family:Arial,Helvetica,sans-serif;color:#18181b;">
<div style="max-width:480px;margin:0 auto;padding:24px;background:#ffffff;border-radius:8px;">
<p>${h(greeting)}</p>
<p>Someone asked to ${h(what)}:</p>
<ul>${details.map((d) => `<li>${h(d.replace(/\s+/g, ' '))}</li>`).join('')}</ul>
<p><a href="${h(approve)}">Approve</a> &middot; <a href="${h(deny)}">Deny</a></p>
<p style="color:#52525b;font-size:14px;">Each link opens a page where you confirm your answer. If this was not you, deny it and change your password.</p>
<p style="color:#52525b;font-size:14px;">&mdash; ${h(product)}</p>
</div>
</body>
</html>
`;
  return { to: input.to, subject, text, html, kind: enrol ? 'push-activate' : 'push-verify' };
}
