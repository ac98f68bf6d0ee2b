import { pino } from 'pino';
import { ConfigError, loadConfig } from './config/config.js';
import { readEnvWithDotenv } from './config/dotenv.js';
import { createLatchkey } from './wiring.js';

/** Entry point: read the environment once, wire, listen, and shut down cleanly on signals. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(readEnvWithDotenv(process.env));
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`latchkey: ${error.message}\nSee docs/configuration.md.\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = pino({
    level: config.logLevel,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', 'password'], censor: '[redacted]' },
  });
  const latchkey = await createLatchkey(config, logger);
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    await latchkey.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  await latchkey.app.listen({ host: config.host, port: config.port });
  logger.info(
    { url: config.publicUrl, database: config.databaseUrl.replace(/\/\/[^@]*@/, '//***@'), mail: config.smtpUrl ? 'smtp' : 'dev mailbox' },
    config.devMailbox ? `Latchkey ready; dev mailbox at ${config.publicUrl}/dev/mailbox` : 'Latchkey ready',
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`latchkey: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
