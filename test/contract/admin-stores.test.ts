import { createMemoryStores } from '../../src/storage/memory/memory-stores.js';
import { createSqlStores } from '../../src/storage/sql/sql-stores.js';
import { onEveryBackend } from '../support/store-backends.js';
import { adminStoresContract } from './admin-stores.contract.js';

onEveryBackend(adminStoresContract, {
  id: 'admin-stores',
  // Deleting users cascades to everything that hangs on them (ON DELETE CASCADE).
  tables: ['api_tokens', 'events', 'users'],
  memory: () => ({ stores: createMemoryStores(), close: async () => {} }),
  fromSql: (database) => ({ stores: createSqlStores(database), close: async () => {} }),
  withoutReturning: true,
});
