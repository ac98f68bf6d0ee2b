import type { FastifyPluginAsync } from 'fastify';
import type { MailboxStore } from '../../core/mail/mailbox-store.js';
import { escapeHtml } from '../../core/html.js';

export interface DevMailboxDeps {
  mailbox: MailboxStore;
}


/**
 * The development mailbox: mail that would have been sent, newest first.
 * Registered only in embedded, non-production mode without SMTP.
 * HTML by default; JSON with `Accept: application/json` or `?format=json`.
 */
export const devMailboxPlugin: FastifyPluginAsync<DevMailboxDeps> = async (app, deps) => {
  app.get<{ Querystring: { to?: string; limit?: string; format?: string } }>(
    '/',
    {
      schema: {
        hide: true,
        querystring: {
          type: 'object',
          properties: {
            to: { type: 'string', maxLength: 254 },
            limit: { type: 'string', pattern: '^[0-9]{1,3}$' },
            format: { type: 'string', enum: ['json', 'html'] },
          },
        },
      },
    },
    async (request, reply) => {
      const limit = Math.min(Number(request.query.limit ?? 50) || 50, 200);
      const mails = await deps.mailbox.listMail({ limit, ...(request.query.to ? { to: request.query.to } : {}) });
      const wantsJson = request.query.format === 'json' || (request.headers.accept ?? '').includes('application/json');
      if (wantsJson) {
        return mails.map((m) => ({
          id: m.id,
          to: m.to,
          subject: m.subject,
          kind: m.kind,
          createdAt: m.createdAt.toISOString(),
          text: m.text,
        }));
      }
      const rows = mails
        .map(
          (m) =>
            `<article><h2>${escapeHtml(m.subject)}</h2><p><b>To:</b> ${escapeHtml(m.to)} · <b>At:</b> ${m.createdAt.toISOString()} · ${escapeHtml(m.kind)}</p><pre>${escapeHtml(m.text)}</pre></article>`,
        )
        .join('\n');
      reply.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'");
      return reply
        .type('text/html; charset=utf-8')
        .send(
          `<!doctype html><html><head><meta charset="utf-8"><title>Latchkey dev mailbox</title>` +
            `<style>body{font-family:system-ui,sans-serif;max-width:50rem;margin:2rem auto}article{border-bottom:1px solid #ccc}pre{white-space:pre-wrap}</style>` +
            `</head><body><h1>Dev mailbox</h1><p>Development only: mail kept here instead of sent (newest first).</p>${rows || '<p>No mail yet.</p>'}</body></html>`,
        );
    },
  );
};
