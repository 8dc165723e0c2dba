import type http from 'node:http';
import path from 'node:path';
import { asAppRole, connect, migrateToLatest, type DatabaseHandle } from '@pulse/db';
import { defaultSessionPolicy, queueWorkers, scheduledJobs, seedDemoData, startQueue } from '@pulse/api';
import type { Config } from './config.js';
import { createApp } from './app.js';
import { createLogger } from './logging.js';

export interface RunningServer {
  server: http.Server;
  database: DatabaseHandle;
  url: string;
  seeded: boolean;
  stop(): Promise<void>;
}

/** Connects, migrates, seeds demo data when enabled, starts the scheduled jobs (PULSE_JOBS), and listens. */
export async function startServer(config: Config): Promise<RunningServer> {
  const options = { url: config.databaseUrl, dataDir: path.join(config.dataDir, 'pglite'), poolSize: config.poolSize };
  const owner = await connect({ ...options, poolSize: 2 });
  await migrateToLatest(owner.db);
  const seeded = config.demoData ? await seedDemoData(owner.db, config.bcryptCost) : false;
  const database = await asAppRole(owner, options);
  const logger = createLogger(config.logLevel);
  const app = createApp({ db: database.db, config, logger });
  const queue = config.jobs
    ? await startQueue({
        db: database.db,
        jobs: scheduledJobs(defaultSessionPolicy),
        workers: queueWorkers(config.mail),
        onError: (err) => logger.error({ err }, 'job queue error'),
      })
    : null;
  const server = await new Promise<http.Server>((resolve, reject) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host}:${port}`;
  return {
    server,
    database,
    url,
    seeded,
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await queue?.stop();
      await database.close();
    },
  };
}
