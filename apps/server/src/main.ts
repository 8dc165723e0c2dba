import { demoLogins, DEMO_PASSWORD } from '@pulse/api';
import { ConfigError, loadConfig, type Config } from './config.js';
import { startServer } from './server.js';

function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Pulse cannot start: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
}

const config = configOrExit();
const running = await startServer(config);
const where = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${config.dataDir}`;
console.log(`Pulse is running at ${running.url} on ${where}.`);
if (config.demoData) {
  console.log(`Demo logins (password "${DEMO_PASSWORD}"):`);
  for (const login of demoLogins) console.log(`  ${login.email.padEnd(28)} ${login.role.padEnd(7)} ${login.tenant}`);
}

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal} received: finishing in-flight requests, then stopping.`);
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
