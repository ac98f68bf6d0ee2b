import { createMemoryOidcStores } from '../../src/storage/memory/memory-oidc-stores.js';
import { createSqlOidcStores } from '../../src/storage/sql/sql-oidc-stores.js';
import { onEveryBackend } from '../support/store-backends.js';
import { oidcStoresContract } from './oidc-stores.contract.js';

onEveryBackend(oidcStoresContract, {
  id: 'oidc-stores',
  tables: ['oauth_tokens', 'oauth_codes', 'oauth_clients', 'oauth_keys'],
  memory: () => ({ stores: createMemoryOidcStores(), close: async () => {} }),
  fromSql: (database) => ({ stores: createSqlOidcStores(database), close: async () => {} }),
});
