import { describe, expect, it } from 'vitest';
import { otpMail } from '../../src/core/mail/templates.js';

const base = {
  to: 'ann@example.com',
  code: '042917',
  expiresAt: new Date('2026-01-01T00:10:00.000Z'),
  lifetimeSeconds: 600,
  productName: 'Latchkey',
};

describe('otpMail', () => {
  it('enroll: says the code, the purpose and the expiry in both bodies', () => {
    const mail = otpMail({ ...base, purpose: 'enroll', firstName: 'Ann' });
    expect(mail.kind).toBe('otp-enroll');
    expect(mail.to).toBe('ann@example.com');
    expect(mail.subject).toBe('Confirm your email address for Latchkey');
    for (const body of [mail.text, mail.html]) {
      expect(body).toContain('042917');
      expect(body).toContain('confirm your email address');
      expect(body).toContain('in 10 minutes');
      expect(body).toContain('2026-01-01 00:10 UTC');
      expect(body).toContain('Ann');
    }
  });

  it('challenge: says sign in, and keeps the code out of the subject', () => {
    const mail = otpMail({ ...base, purpose: 'challenge' });
    expect(mail.kind).toBe('otp-challenge');
    expect(mail.subject).toBe('Your Latchkey sign-in code');
    expect(mail.subject).not.toContain('042917');
    expect(mail.text).toContain('sign in to Latchkey');
    expect(mail.html).toContain('sign in to Latchkey');
    expect(mail.text.startsWith('Hello,\n')).toBe(true);
  });

  it('HTML-escapes every interpolated value', () => {
    const mail = otpMail({
      ...base,
      purpose: 'enroll',
      firstName: '<script>alert("x")</script>',
      productName: 'Tom & Jerry\'s <b>',
    });
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).not.toContain('<b>');
    expect(mail.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(mail.html).toContain('Tom &amp; Jerry&#39;s &lt;b&gt;');
    // The text body is not HTML: it keeps the characters as they are.
    expect(mail.text).toContain('Hello <script>alert("x")</script>,');
  });

  it('keeps user-supplied names on one line in the text body', () => {
    const mail = otpMail({ ...base, purpose: 'enroll', firstName: 'Ann\n\nYour code is 999999' });
    expect(mail.text.split('\n')[0]).toBe('Hello Ann Your code is 999999,');
  });

  it('loads nothing from outside the message', () => {
    const { html } = otpMail({ ...base, purpose: 'challenge' });
    expect(html).not.toMatch(/<img|<link|<script|@import|url\(|src=|href=/i);
  });

  it('words short and odd lifetimes without overstating them', () => {
    const text = (lifetimeSeconds: number): string => otpMail({ ...base, purpose: 'challenge', lifetimeSeconds }).text;
    expect(text(60)).toContain('in 1 minute (');
    expect(text(90)).toContain('in 1 minute (');
    expect(text(300)).toContain('in 5 minutes (');
    expect(text(30)).toContain('in 30 seconds (');
    // Seconds are truncated, never rounded up.
    const late = otpMail({ ...base, purpose: 'challenge', expiresAt: new Date('2026-03-04T05:06:59.999Z') });
    expect(late.text).toContain('2026-03-04 05:06 UTC');
  });

  it('refuses a code that is not six digits', () => {
    expect(() => otpMail({ ...base, purpose: 'enroll', code: '12345' })).toThrow(TypeError);
    expect(() => otpMail({ ...base, purpose: 'enroll', code: '12345a' })).toThrow(TypeError);
  });
});
