import type { AuthorizeTarget } from '../../core/oidc/authorize-service.js';
import { escapeHtml, jsonForHtml, page } from './oidc-http.js';

export const ASSETS_BASE = '/oauth2/assets';
export const FORM_POST_SCRIPT = `${ASSETS_BASE}/form-post.js`;
export const POST_MESSAGE_SCRIPT = `${ASSETS_BASE}/post-message.js`;

/** Submits the one form of a form_post page (served as a file so the CSP needs no inline script). */
export const FORM_POST_JS = 'document.forms[0].submit();\n';

/**
 * okta_post_message: posts the result to the frame's parent (or the popup's opener), addressed to
 * the redirect URI's origin only, exactly as Okta's page does for AJS token.getWithoutPrompt.
 */
export const POST_MESSAGE_JS = `(function () {
  var el = document.getElementById('lk-data');
  var d = JSON.parse(el.textContent);
  var target = window.parent !== window ? window.parent : window.opener;
  if (target) target.postMessage(d.data, d.origin);
})();
`;

export function errorPage(error: string, description: string): string {
  return page(
    'Sign-in error',
    `<h1>Sign-in error</h1><p><strong>${escapeHtml(error)}</strong></p><p>${escapeHtml(description)}</p>`,
  );
}

export function formPostPage(target: AuthorizeTarget, params: Record<string, string>): string {
  const inputs = Object.entries(params)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('');
  return page(
    'Submit this form',
    `<form method="post" action="${escapeHtml(target.redirectUri)}">${inputs}<noscript><button type="submit">Continue</button></noscript></form><script src="${FORM_POST_SCRIPT}"></script>`,
  );
}

export function postMessagePage(origin: string, params: Record<string, string>): string {
  return page('Sign-in', `<script type="application/json" id="lk-data">${jsonForHtml({ origin, data: params })}</script><script src="${POST_MESSAGE_SCRIPT}"></script>`);
}

export interface SignInPageInput {
  action: string;
  authorize: string;
  csrf: string;
  step: 'password' | 'passcode';
  message?: string;
  username?: string;
}

export function signInPage(input: SignInPageInput): string {
  const hidden = `<input type="hidden" name="authorize" value="${escapeHtml(input.authorize)}"><input type="hidden" name="csrf" value="${escapeHtml(input.csrf)}">`;
  const message = input.message === undefined ? '' : `<p role="alert">${escapeHtml(input.message)}</p>`;
  const fields =
    input.step === 'password'
      ? `<label>Username <input name="username" autocomplete="username" required value="${escapeHtml(input.username ?? '')}"></label><br><label>Password <input name="password" type="password" autocomplete="current-password" required></label><br><button type="submit">Sign in</button>`
      : `<p>We emailed you a verification code.</p><label>Code <input name="passcode" inputmode="numeric" autocomplete="one-time-code" required></label><br><button type="submit">Verify</button>`;
  return page('Sign in', `<h1>Sign in</h1>${message}<form method="post" action="${escapeHtml(input.action)}">${hidden}${fields}</form>`);
}
