import { createHash } from 'node:crypto';
import type { User } from '../../core/identity/user.js';
import type { Session } from '../../core/session/session.js';
import { sessionExpiresAt } from '../../core/session/session.js';

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

export type Link = { href: string; name?: string; hints: { allow: string[] } };

/** A stable, Okta-shaped id derived from the public URL (the org id of an embedded instance). */
export function derivedId(prefix: string, seed: string): string {
  const digest = createHash('sha256').update(seed).digest();
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  let out = prefix;
  for (let i = 0; out.length < 20; i++) out += alphabet[(digest[i] ?? 0) % 62];
  return out;
}

export interface OktaWireContext {
  baseUrl: string;
  orgId: string;
  userTypeId: string;
}

export function oktaWireContext(baseUrl: string): OktaWireContext {
  return { baseUrl, orgId: derivedId('00o', baseUrl), userTypeId: derivedId('oty', baseUrl) };
}

/** Okta's user object (https://developer.okta.com/docs/reference/api/users/#user-object). */
export function toOktaUser(user: User, ctx: OktaWireContext) {
  const self = `${ctx.baseUrl}/api/v1/users/${user.id}`;
  return {
    id: user.id,
    status: user.status,
    created: user.created.toISOString(),
    activated: iso(user.activated),
    statusChanged: iso(user.statusChanged),
    lastLogin: iso(user.lastLogin),
    lastUpdated: user.lastUpdated.toISOString(),
    passwordChanged: iso(user.passwordChanged),
    type: { id: ctx.userTypeId },
    profile: { ...user.profile },
    credentials: {
      ...(user.passwordHash !== null ? { password: {} } : {}),
      provider: { type: 'OKTA', name: 'OKTA' },
    },
    _links: {
      self: { href: self, hints: { allow: ['GET', 'POST', 'PUT', 'DELETE'] } } satisfies Link,
      ...userLifecycleLinks(user, self),
    },
  };
}

/**
 * The lifecycle operations the user's status allows, as Okta lists them under `_links`; only
 * operations Latchkey serves (/api/v1/users/{id}/lifecycle/*) are offered.
 */
function userLifecycleLinks(user: User, self: string): Record<string, Link> {
  const post = (operation: string, name: string): Link => ({ href: `${self}/lifecycle/${operation}`, name, hints: { allow: ['POST'] } });
  const links: Record<string, Link> = {};
  if (user.status === 'STAGED' || user.status === 'DEPROVISIONED') links.activate = post('activate', 'activate');
  if (user.status === 'LOCKED_OUT') links.unlock = post('unlock', 'unlock');
  if (user.status === 'ACTIVE' && user.passwordHash !== null) links.expirePassword = post('expire_password', 'expirePassword');
  if (user.status !== 'DEPROVISIONED') links.deactivate = post('deactivate', 'deactivate');
  return links;
}

/** Okta's session object; `id` is the bearer token, shown only in the response that created it. */
export function toOktaSession(session: Session, token: string, user: User, ctx: OktaWireContext) {
  const self = `${ctx.baseUrl}/api/v1/sessions/${token}`;
  return {
    id: token,
    userId: session.userId,
    login: session.login,
    createdAt: session.createdAt.toISOString(),
    expiresAt: sessionExpiresAt(session).toISOString(),
    status: session.status,
    lastPasswordVerification: iso(session.lastPasswordVerification),
    lastFactorVerification: iso(session.lastFactorVerification),
    amr: [...session.amr],
    idp: { id: ctx.orgId, type: 'OKTA' },
    mfaActive: session.status === 'MFA_REQUIRED' || session.amr.includes('mfa'),
    _links: {
      self: { href: self, hints: { allow: ['GET', 'DELETE'] } } satisfies Link,
      refresh: { href: `${self}/lifecycle/refresh`, hints: { allow: ['POST'] } } satisfies Link,
      user: {
        name: `${user.profile.firstName} ${user.profile.lastName}`.trim(),
        href: `${ctx.baseUrl}/api/v1/users/${session.userId}`,
        hints: { allow: ['GET'] },
      } satisfies Link,
    },
  };
}
