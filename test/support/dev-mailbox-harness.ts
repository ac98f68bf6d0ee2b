import { startHarness, type Harness } from './harness.js';

/**
 * A harness whose Latchkey has no SMTP server, so the DevMailboxMailer keeps mail in the dev
 * mailbox (GET /dev/mailbox). loadConfig treats an empty variable as unset (as an empty
 * `SMTP_URL=` line in a .env file would be), which is how SMTP_URL is taken back out of the
 * harness's defaults. The harness's SMTP sink still runs, and must receive nothing.
 */
export async function startDevMailboxHarness(env: Record<string, string> = {}): Promise<Harness> {
  const h = await startHarness({ ...env, SMTP_URL: '' });
  if (h.config.smtpUrl !== undefined || !h.config.devMailbox) {
    await h.close();
    throw new Error('startDevMailboxHarness: SMTP_URL is still configured; the dev mailbox is off');
  }
  return h;
}
