import type http from 'node:http';
import path from 'node:path';
import { connect, migrateToLatest, type DatabaseHandle } from '@pulse/db';
import { seedDemoData } from '@pulse/api';
import type { Config } from './config.js';
import { createApp } from './app.js';

export interface RunningServer {
  server: http.Server;
  database: DatabaseHandle;
  url: string;
  seeded: boolean;
  stop(): Promise<void>;
}

/** Connects, migrates, seeds demo data when enabled, and listens. */
export async function startServer(config: Config): Promise<RunningServer> {
  const database = await connect({
    url: config.databaseUrl,
    dataDir: path.join(config.dataDir, 'pglite'),
    poolSize: config.poolSize,
  });
  await migrateToLatest(database.db);
  const seeded = config.demoData ? await seedDemoData(database.db, config.bcryptCost) : false;
  const app = createApp({ db: database.db, config });
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
      await database.close();
    },
  };
}
