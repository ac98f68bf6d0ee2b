import { expect } from 'vitest';
import type { ParsedMail } from 'mailparser';
import type { Harness, HttpResult } from './harness.js';

/** The approval page path (/authenticator/push/<token>) from a push mail's text. */
export function pushPagePath(mail: ParsedMail): string {
  const match = /https?:\/\/[^\s/]+(\/authenticator\/push\/[A-Za-z0-9_-]+)\?answer=approve/.exec(mail.text ?? '');
  if (match?.[1] === undefined) throw new Error(`no approval link in "${mail.subject ?? ''}"`);
  return match[1];
}

/** Opens the approval page like a browser: the CSRF cookie and the form's hidden field. */
export async function openPushPage(h: Harness, path: string): Promise<{ page: HttpResult; cookie: string; csrf: string }> {
  const page = await h.call('GET', `${path}?answer=approve`, undefined, { 'sec-fetch-site': 'none' });
  expect(page.status, page.text).toBe(200);
  const cookie = /^(lk_push_csrf=[^;]+)/.exec(page.headers.get('set-cookie') ?? '')?.[1];
  const csrf = /name="csrf" value="([^"]+)"/.exec(page.text)?.[1];
  if (cookie === undefined || csrf === undefined) throw new Error(`no CSRF cookie or field on the page: ${page.text.slice(0, 500)}`);
  return { page, cookie, csrf };
}

/** Submits one of the page's forms, as the browser would (same origin, form encoding, cookie). */
export function submitPushPage(
  h: Harness,
  path: string,
  form: { cookie: string; csrf: string },
  decision: 'approve' | 'deny',
  headers: Record<string, string> = {},
): Promise<HttpResult> {
  return h.call('POST', path, new URLSearchParams({ csrf: form.csrf, decision }).toString(), {
    'content-type': 'application/x-www-form-urlencoded',
    cookie: form.cookie,
    origin: h.baseUrl,
    'sec-fetch-site': 'same-origin',
    ...headers,
  });
}

/** Mail → page → answer: what a user does with a push email. */
export async function answerPushMail(h: Harness, mail: ParsedMail, decision: 'approve' | 'deny'): Promise<HttpResult> {
  const path = pushPagePath(mail);
  const form = await openPushPage(h, path);
  const res = await submitPushPage(h, path, form, decision);
  expect(res.status, res.text).toBe(200);
  return res;
}
