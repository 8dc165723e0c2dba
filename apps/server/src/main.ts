import { demoLogins, DEMO_PASSWORD } from '@pulse/api';
import { loadConfig } from './config.js';
import { keepFilesPrivate } from './data-dir.js';
import { startServer } from './server.js';
import { consoleStartup, orExit } from './startup.js';

keepFilesPrivate();
const config = await orExit(() => loadConfig());
const running = await orExit(() => startServer(config, consoleStartup));
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
