import { loadConfig } from '../config/config.js';
import { readEnvWithDotenv } from '../config/dotenv.js';
import { loadOrAddSecret } from '../config/secrets.js';
import { systemClock } from '../core/clock.js';
import { silentLogger } from '../core/logger.js';
import { ClientService } from '../core/oidc/client-service.js';
import { KeyCipher } from '../core/oidc/key-cipher.js';
import { KeyRing } from '../core/oidc/key-ring.js';
import { cryptoRandom } from '../core/random.js';
import { openDatabase } from '../storage/sql/database.js';
import { createSqlOidcStores } from '../storage/sql/sql-oidc-stores.js';
import type { CliIo } from './cli-command.js';

/**
 * The OIDC provider's key ring and client registry on the server's own configuration and database,
 * with the key encryption key resolved exactly as wiring.ts does (configured, or DATA_DIR/secrets.json).
 */
export async function withOidc<T>(io: CliIo, use: (oidc: { keys: KeyRing; clients: ClientService }) => Promise<T>): Promise<T> {
  const config = loadConfig(readEnvWithDotenv(io.env));
  const secret = config.oidc.keyEncryptionKey ?? loadOrAddSecret(config.dataDir, 'oidcKeyEncryptionKey').secret;
  const database = await openDatabase(config.databaseUrl);
  try {
    await database.migrate();
    const stores = createSqlOidcStores(database);
    const clock = io.clock ?? systemClock;
    const keys = new KeyRing({
      store: stores.keys,
      cipher: new KeyCipher(secret, cryptoRandom),
      clock,
      random: cryptoRandom,
      logger: silentLogger,
      graceSeconds: config.oidc.keyGraceSeconds,
    });
    const clients = new ClientService({ store: stores.clients, clock, random: cryptoRandom, logger: silentLogger });
    return await use({ keys, clients });
  } finally {
    await database.close();
  }
}
