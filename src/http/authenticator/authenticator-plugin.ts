import { timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import type { RequestContext } from '../../core/audit/audit-event.js';
import type { PushApprovals, PushDecision } from '../../core/factors/push-approvals.js';
import type { PushResult, PushTransaction } from '../../core/factors/push-transaction.js';
import type { QrTickets } from '../../core/factors/qr-tickets.js';
import { randomToken, type Random } from '../../core/random.js';

export interface AuthenticatorDeps {
  approvals: PushApprovals;
  qrTickets: QrTickets;
  publicUrl: string;
  productName: string;
  random: Random;
}

const CSRF_COOKIE = 'lk_push_csrf';
const COOKIE_PATH = '/authenticator/push/';
const TOKEN = '^[A-Za-z0-9_-]{20,100}$';
const TICKET = '^[A-Za-z0-9_.-]{20,2000}$';

const CSS = `body{font-family:system-ui,-apple-system,Segoe UI,Arial,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;color:#18181b}
dl{display:grid;grid-template-columns:auto 1fr;gap:.25rem 1rem}dt{font-weight:600}dd{margin:0;word-break:break-word}
form{display:inline-block;margin:1rem 1rem 0 0}button{font-size:1rem;padding:.6rem 1.4rem;border-radius:.4rem;border:1px solid #3f3f46;cursor:pointer}
.approve{background:#166534;color:#fff}.deny{background:#991b1b;color:#fff}.chosen{outline:3px solid #f59e0b}.note{color:#52525b;font-size:.9rem}
`;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const h = (value: string): string => value.replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch);
const utc = (d: Date): string => `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;

/** Pages may not be framed, run no script, load only our stylesheet, and post only to us. */
function pageHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-store');
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<meta name="referrer" content="no-referrer"><title>${h(title)}</title><link rel="stylesheet" href="/authenticator/style.css"></head>` +
    `<body><h1>${h(title)}</h1>${body}</body></html>`;
}

function cookieValue(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (typeof header !== 'string') return undefined;
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

const sameSecret = (a: string, b: string): boolean => {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
};

const context = (request: FastifyRequest): RequestContext => ({
  ip: request.ip,
  userAgent: typeof request.headers['user-agent'] === 'string' ? request.headers['user-agent'] : null,
  requestId: request.id,
});

const RESULT_TEXT: Record<PushResult, string> = {
  WAITING: 'Waiting for your answer.',
  SUCCESS: 'This request was approved.',
  REJECTED: 'This request was denied.',
  CANCELLED: 'This request was cancelled.',
  TIMEOUT: 'This request has expired.',
};

/**
 * The authenticator side of Latchkey's factors, outside /api/v1:
 * - GET /qr?ticket=…: the QR code (PNG, rendered here with `qrcode`) of a TOTP enrolment;
 * - GET /push/:token: the page a push email links to (what is asked, when, from where);
 * - POST /push/:token: approve or deny, from that page's forms only (double-submit CSRF cookie,
 *   plus Origin / Sec-Fetch-Site checks). GET never answers: mail scanners prefetch links.
 */
export const authenticatorPlugin: FastifyPluginAsync<AuthenticatorDeps> = async (app, deps) => {
  const publicOrigin = new URL(deps.publicUrl).origin;
  const secureCookie = publicOrigin.startsWith('https:');

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(typeof body === 'string' ? body : body.toString('utf8'))));
  });

  app.get('/style.css', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(CSS),
  );

  // The ticket goes in the query: it is longer than a path parameter may be.
  app.get<{ Querystring: { ticket: string } }>(
    '/qr',
    { schema: { hide: true, querystring: { type: 'object', properties: { ticket: { type: 'string', pattern: TICKET } }, required: ['ticket'] } } },
    async (request, reply) => {
      const uri = deps.qrTickets.open(request.query.ticket);
      pageHeaders(reply);
      if (uri === null) return reply.code(404).type('text/plain; charset=utf-8').send('This QR code link has expired. Enrol the factor again.');
      const png = await QRCode.toBuffer(uri, { type: 'png', errorCorrectionLevel: 'M', margin: 2, width: 264 });
      return reply.type('image/png').send(png);
    },
  );

  const tokenParams = { type: 'object', properties: { token: { type: 'string', pattern: TOKEN } }, required: ['token'] } as const;

  const describe = (tx: PushTransaction, result: PushResult, chosen: PushDecision | null, csrf: string | null): string => {
    const what = tx.purpose === 'activate' ? `Use this email address as a ${deps.productName} push authenticator` : `Sign in to ${deps.productName}`;
    const rows = [
      ['Request', what],
      ['Time', utc(tx.createdAt)],
      ['IP address', tx.requestIp ?? 'unknown'],
      ['Browser', tx.requestUserAgent ?? 'unknown'],
      ['Expires', utc(tx.expiresAt)],
      ['Status', RESULT_TEXT[result]],
    ];
    const list = `<dl>${rows.map(([k, v]) => `<dt>${h(k ?? '')}</dt><dd>${h(v ?? '')}</dd>`).join('')}</dl>`;
    if (result !== 'WAITING' || csrf === null) return list;
    const form = (decision: PushDecision, label: string) =>
      `<form method="post"><input type="hidden" name="csrf" value="${h(csrf)}"><input type="hidden" name="decision" value="${decision}">` +
      `<button type="submit" class="${decision}${chosen === decision ? ' chosen' : ''}">${h(label)}</button></form>`;
    return `${list}<p>Was this you?</p>${form('approve', 'Approve')}${form('deny', 'Deny')}` +
      `<p class="note">If you did not start this, deny it and change your password.</p>`;
  };

  app.get<{ Params: { token: string }; Querystring: { answer?: string } }>(
    '/push/:token',
    {
      schema: {
        hide: true,
        params: tokenParams,
        querystring: { type: 'object', properties: { answer: { type: 'string', enum: ['approve', 'deny'] } } },
      },
    },
    async (request, reply) => {
      pageHeaders(reply).type('text/html; charset=utf-8');
      const tx = await deps.approvals.find({ linkToken: request.params.token });
      if (tx === null) return reply.code(404).send(page('Link not valid', '<p>This approval link is not valid.</p>'));
      const result = deps.approvals.resultOf(tx);
      let csrf: string | null = null;
      if (result === 'WAITING') {
        csrf = randomToken(deps.random, 32);
        reply.header(
          'set-cookie',
          `${CSRF_COOKIE}=${csrf}; Path=${COOKIE_PATH}; HttpOnly; SameSite=Strict; Max-Age=900${secureCookie ? '; Secure' : ''}`,
        );
      }
      const chosen = request.query.answer === 'approve' || request.query.answer === 'deny' ? request.query.answer : null;
      return reply.send(page(`${deps.productName} push request`, describe(tx, result, chosen, csrf)));
    },
  );

  app.post<{ Params: { token: string }; Body: { csrf?: string; decision?: string } }>(
    '/push/:token',
    {
      schema: {
        hide: true,
        params: tokenParams,
        body: {
          type: 'object',
          properties: { csrf: { type: 'string', maxLength: 200 }, decision: { type: 'string', enum: ['approve', 'deny'] } },
          required: ['csrf', 'decision'],
        },
      },
    },
    async (request, reply) => {
      pageHeaders(reply).type('text/html; charset=utf-8');
      const site = request.headers['sec-fetch-site'];
      const origin = request.headers.origin;
      const ownOrigin = `${request.protocol}://${request.host}`;
      const crossSite = (typeof site === 'string' && site !== 'same-origin' && site !== 'none') ||
        (typeof origin === 'string' && origin !== publicOrigin && origin !== ownOrigin);
      const cookie = cookieValue(request, CSRF_COOKIE);
      if (crossSite || cookie === undefined || !sameSecret(cookie, request.body.csrf ?? '')) {
        return reply.code(403).send(page('Request refused', '<p>Open the link from your email again and answer on that page.</p>'));
      }
      const decision: PushDecision = request.body.decision === 'approve' ? 'approve' : 'deny';
      const outcome = await deps.approvals.answer({ linkToken: request.params.token }, decision, context(request));
      if (outcome === null) return reply.code(404).send(page('Link not valid', '<p>This approval link is not valid.</p>'));
      reply.header('set-cookie', `${CSRF_COOKIE}=; Path=${COOKIE_PATH}; HttpOnly; SameSite=Strict; Max-Age=0${secureCookie ? '; Secure' : ''}`);
      if (!outcome.answered) {
        return reply.code(409).send(page('Already answered', `<p>${h(RESULT_TEXT[outcome.result])} Nothing was changed.</p>`));
      }
      const title = decision === 'approve' ? 'Approved' : 'Denied';
      const note = decision === 'approve' ? 'You can close this page and return to where you signed in.' : 'The request was denied. If it was not you, change your password.';
      return reply.send(page(title, `<p>${h(note)}</p>${describe(outcome.transaction, outcome.result, null, null)}`));
    },
  );
};
