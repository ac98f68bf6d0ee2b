import type { Factor, FactorProvider, FactorType } from '../../core/factors/factor.js';
import type { Link } from './okta-objects.js';

const link = (href: string, allow: string[], extra: { name?: string } = {}): Link => ({ href, ...extra, hints: { allow } });

export const factorHref = (origin: string, userId: string, factorId: string): string =>
  `${origin}/api/v1/users/${encodeURIComponent(userId)}/factors/${encodeURIComponent(factorId)}`;

/** Okta's vendorName: the provider, as for every factor Latchkey supports. */
const vendorName = (provider: FactorProvider): string => provider;

/**
 * Okta's factor object (okta-api.md §3): links by status, every link with hints.allow.
 * PENDING_ACTIVATION: activate, resend (email), self GET, user. ACTIVE: verify, self GET+DELETE, user.
 * `resend` is one HrefObject with name "email", as management.yaml's LinksResend describes it.
 */
export function toOktaFactor(factor: Factor, origin: string, activation?: Record<string, unknown>) {
  const self = factorHref(origin, factor.userId, factor.id);
  const user = link(`${origin}/api/v1/users/${encodeURIComponent(factor.userId)}`, ['GET']);
  const _links: Record<string, Link> =
    factor.status === 'ACTIVE'
      ? { verify: link(`${self}/verify`, ['POST']), self: link(self, ['GET', 'DELETE']), user }
      : {
          activate: link(`${self}/lifecycle/activate`, ['POST']),
          ...(factor.factorType === 'email' || factor.factorType === 'push'
            ? { resend: link(`${self}/resend`, ['POST'], { name: factor.factorType === 'email' ? 'email' : 'push' }) }
            : {}),
          self: link(self, ['GET', 'DELETE']),
          user,
        };
  return {
    id: factor.id,
    factorType: factor.factorType,
    provider: factor.provider,
    vendorName: vendorName(factor.provider),
    status: factor.status,
    created: factor.created.toISOString(),
    lastUpdated: factor.lastUpdated.toISOString(),
    profile: { ...factor.profile },
    _links,
    ...(activation === undefined ? {} : { _embedded: { activation } }),
  };
}

/** One catalog entry (UserFactorSupported): what may be enrolled, and whether it already is. */
export function toOktaSupportedFactor(
  entry: { factorType: FactorType; provider: FactorProvider },
  enrolled: Factor | undefined,
  origin: string,
  userId: string,
) {
  return {
    factorType: entry.factorType,
    provider: entry.provider,
    vendorName: vendorName(entry.provider),
    status: enrolled?.status ?? 'NOT_SETUP',
    enrollment: 'OPTIONAL',
    _links: { enroll: link(`${origin}/api/v1/users/${encodeURIComponent(userId)}/factors`, ['POST']) },
  };
}
