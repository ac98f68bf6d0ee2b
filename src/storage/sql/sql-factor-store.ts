import type { Kysely, Selectable } from 'kysely';
import type { Factor } from '../../core/factors/factor.js';
import type { FactorStore } from '../../core/factors/factor-store.js';
import { fromMillis, toMillis } from './codec.js';
import { translatingErrors } from './errors.js';
import type { DatabaseSchema, FactorsTable } from './schema.js';

type FactorRow = Omit<Selectable<FactorsTable>, 'seq' | 'secret' | 'last_totp_step'>;
const COLUMNS = ['id', 'user_id', 'factor_type', 'provider', 'status', 'profile', 'created', 'last_updated'] as const;

export function createSqlFactorStore(db: Kysely<DatabaseSchema>): FactorStore {
  return {
    createFactor: (factor, options = {}) =>
      translatingErrors(async () => {
        const row = factorRow(factor);
        await db.insertInto('factors').values({ ...row, secret: options.sealedSecret ?? null, last_totp_step: null }).execute();
        return factorFromRow(row);
      }),

    findFactor: (factorId) => findOne(db, factorId),

    // Oldest first; insertion order breaks ties (several factors enrolled in one millisecond).
    async listFactors(userId) {
      const rows = await db
        .selectFrom('factors')
        .select(COLUMNS)
        .where('user_id', '=', userId)
        .orderBy('created')
        .orderBy('seq')
        .execute();
      return rows.map(factorFromRow);
    },

    // Conditional on the current status: of concurrent activations exactly one matches.
    async activateFactor(factorId, now) {
      const result = await db
        .updateTable('factors')
        .set({ status: 'ACTIVE', last_updated: toMillis(now) })
        .where('id', '=', factorId)
        .where('status', '=', 'PENDING_ACTIVATION')
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async findFactorSecret(factorId) {
      const row = await db.selectFrom('factors').select('secret').where('id', '=', factorId).executeTakeFirst();
      return row?.secret ?? null;
    },

    // The comparison with the recorded step is the UPDATE's condition: one caller wins per step.
    async advanceTotpStep(factorId, step) {
      const result = await db
        .updateTable('factors')
        .set({ last_totp_step: step })
        .where('id', '=', factorId)
        .where((eb) => eb.or([eb('last_totp_step', 'is', null), eb('last_totp_step', '<', step)]))
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    // Its codes go with it (push transactions by foreign key cascade): a code must never outlive the factor it was sent for.
    deleteFactor: (factorId) =>
      db.transaction().execute(async (tx) => {
        await tx.deleteFrom('otps').where('factor_id', '=', factorId).execute();
        const result = await tx.deleteFrom('factors').where('id', '=', factorId).executeTakeFirst();
        return result.numDeletedRows > 0n;
      }),
  };
}

async function findOne(db: Kysely<DatabaseSchema>, factorId: string): Promise<Factor | null> {
  const row = await db.selectFrom('factors').select(COLUMNS).where('id', '=', factorId).executeTakeFirst();
  return row === undefined ? null : factorFromRow(row);
}

function factorRow(factor: Factor): FactorRow {
  return {
    id: factor.id,
    user_id: factor.userId,
    factor_type: factor.factorType,
    provider: factor.provider,
    status: factor.status,
    profile: JSON.stringify(factor.profile),
    created: toMillis(factor.created),
    last_updated: toMillis(factor.lastUpdated),
  };
}

function factorFromRow(row: FactorRow): Factor {
  return {
    id: row.id,
    userId: row.user_id,
    factorType: row.factor_type,
    provider: row.provider,
    status: row.status,
    profile: JSON.parse(row.profile) as Record<string, string>,
    created: fromMillis(row.created),
    lastUpdated: fromMillis(row.last_updated),
  };
}
