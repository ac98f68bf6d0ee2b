import type { Factor } from '../../core/factors/factor.js';
import type { AuthnView, EnrollOption } from '../../core/flows/authn/authn-service.js';
import type { User } from '../../core/identity/user.js';
import type { Link, OktaWireContext } from '../wire/okta-objects.js';

const post = (href: string, name?: string): Link => ({ ...(name === undefined ? {} : { name }), href, hints: { allow: ['POST'] } });

/** `d...y@example.com`: what Okta shows of an address before the user is authenticated. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return email;
  const local = email.slice(0, at);
  return `${local[0] ?? ''}...${local.length > 1 ? local[local.length - 1] : ''}${email.slice(at)}`;
}

function maskedProfile(profile: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(profile)) out[key] = key === 'email' ? maskEmail(value) : value;
  return out;
}

/** `_embedded.user` of an authn answer. */
function authnUser(user: User) {
  return {
    id: user.id,
    passwordChanged: user.passwordChanged === null ? null : user.passwordChanged.toISOString(),
    profile: {
      login: user.profile.login,
      firstName: user.profile.firstName,
      lastName: user.profile.lastName,
      locale: user.profile.locale ?? 'en_US',
      timeZone: user.profile.timeZone ?? 'America/Los_Angeles',
    },
  };
}

function factorBase(factor: Factor) {
  return {
    id: factor.id,
    factorType: factor.factorType,
    provider: factor.provider,
    vendorName: factor.provider,
    profile: maskedProfile(factor.profile),
  };
}

function enrollEntry(option: EnrollOption, authn: string) {
  return {
    factorType: option.factorType,
    provider: option.provider,
    vendorName: option.provider,
    status: option.status,
    enrollment: option.enrollment,
    _links: option.status === 'NOT_SETUP' ? { enroll: post(`${authn}/factors`) } : {},
  };
}

/**
 * Okta's authn transaction object (okta-api.md §1): `_embedded` and `_links` per status, every
 * link with `hints.allow` (okta-auth-js builds its functions only from those).
 */
export function toAuthnTransaction(view: AuthnView, ctx: OktaWireContext): Record<string, unknown> {
  const authn = `${ctx.baseUrl}/api/v1/authn`;
  const flow = view.flow;
  const user = authnUser(view.user);
  const relay = flow.relayState === null ? {} : { relayState: flow.relayState };
  if (flow.state === 'SUCCESS') {
    return {
      expiresAt: flow.sessionTokenExpiresAt.toISOString(),
      status: 'SUCCESS',
      ...(view.sessionToken === null ? {} : { sessionToken: view.sessionToken }),
      ...relay,
      _embedded: { user },
    };
  }
  const head = { stateToken: view.stateToken, expiresAt: flow.expiresAt.toISOString(), status: flow.state, ...relay };
  const cancel = post(`${authn}/cancel`);
  const prev = post(`${authn}/previous`);
  const factorLinks = (f: Factor) => `${authn}/factors/${f.id}`;

  switch (flow.state) {
    case 'MFA_REQUIRED':
      return {
        ...head,
        _embedded: {
          user,
          factors: view.factors.map((f) => ({ ...factorBase(f), _links: { verify: post(`${factorLinks(f)}/verify`) } })),
        },
        _links: { cancel },
      };
    case 'MFA_CHALLENGE': {
      const factor = view.factor;
      const verify = factor === null ? null : `${factorLinks(factor)}/verify`;
      return {
        ...head,
        factorResult: flow.factorResult,
        _embedded: { user, ...(factor === null ? {} : { factor: factorBase(factor) }) },
        _links: {
          ...(verify === null ? {} : { next: post(verify, flow.factorResult === 'WAITING' ? 'poll' : 'verify') }),
          cancel,
          prev,
          ...(factor === null || flow.challenge === 'none' ? {} : { resend: [post(`${verify}/resend`, factor.factorType)] }),
        },
      };
    }
    case 'MFA_ENROLL':
      return {
        ...head,
        _embedded: { user, factors: view.enrollOptions.map((o) => enrollEntry(o, authn)) },
        _links: {
          cancel,
          ...(view.enrollOptions.every((o) => o.enrollment === 'OPTIONAL') ? { skip: post(`${authn}/skip`) } : {}),
        },
      };
    case 'MFA_ENROLL_ACTIVATE': {
      const factor = view.factor;
      const base = factor === null ? null : factorLinks(factor);
      return {
        ...head,
        factorResult: 'WAITING',
        _embedded: {
          user,
          ...(factor === null
            ? {}
            : {
                factor: {
                  ...factorBase(factor),
                  status: factor.status,
                  ...(view.activation === null ? {} : { _embedded: { activation: view.activation } }),
                },
              }),
        },
        _links: {
          ...(base === null ? {} : { next: post(`${base}/lifecycle/activate`, 'activate') }),
          cancel,
          prev,
          ...(base === null || !flow.resendable || factor === null ? {} : { resend: [post(`${base}/lifecycle/resend`, factor.factorType)] }),
        },
      };
    }
    case 'PASSWORD_EXPIRED':
    case 'PASSWORD_WARN':
      return {
        ...head,
        _embedded: {
          user,
          policy: {
            ...(view.passwordExpireDays === null ? {} : { expiration: { passwordExpireDays: view.passwordExpireDays } }),
            complexity: { minLength: 8, minLowerCase: 0, minUpperCase: 0, minNumber: 0, minSymbol: 0, excludeUsername: true },
          },
        },
        _links: {
          next: post(`${authn}/credentials/change_password`, 'changePassword'),
          cancel,
          ...(flow.state === 'PASSWORD_WARN' ? { skip: post(`${authn}/skip`, 'skip') } : {}),
        },
      };
  }
}

/** The LOCKED_OUT answer (only with AUTHN_SHOW_LOCKOUT_FAILURES=true): no stateToken. */
export function lockedOutTransaction(ctx: OktaWireContext): Record<string, unknown> {
  return {
    status: 'LOCKED_OUT',
    _links: { next: post(`${ctx.baseUrl}/api/v1/authn/recovery/unlock`, 'unlock') },
  };
}
