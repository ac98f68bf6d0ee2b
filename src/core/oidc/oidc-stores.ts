import type { ClientStore } from './client-store.js';
import type { KeyStore } from './key-store.js';
import type { OAuthGrantStore } from './oauth-grant-store.js';

/** The OpenID Connect provider's ports; one backend (memory, SQLite, PostgreSQL) provides all. */
export interface OidcStores {
  keys: KeyStore;
  clients: ClientStore;
  grants: OAuthGrantStore;
}
