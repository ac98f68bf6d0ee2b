import { createMemoryStores } from '../../src/storage/memory/memory-stores.js';
import { createSqlStores } from '../../src/storage/sql/sql-stores.js';
import { onEveryBackend } from '../support/store-backends.js';
import { storesContract } from './stores.contract.js';

onEveryBackend(storesContract, {
  id: 'stores',
  tables: ['grants', 'sessions', 'otps', 'push_transactions', 'factors', 'users', 'mailbox'],
  memory: () => ({ stores: createMemoryStores(), close: async () => {} }),
  fromSql: (database) => ({ stores: createSqlStores(database), close: async () => {} }),
  withoutReturning: true,
});
