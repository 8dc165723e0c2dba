import { migrateToLatest } from '@pulse/db';
import { seedDemoData } from '@pulse/api';
import { loadConfig } from '../config.js';
import { keepFilesPrivate, openDataDir } from '../data-dir.js';
import { connectOwner } from '../server.js';
import { consoleStartup, orExit } from '../startup.js';

keepFilesPrivate();
const config = await orExit(() => loadConfig());
const lock = await orExit(() => openDataDir(config.dataDir, !config.databaseUrl, consoleStartup));
const database = await connectOwner(config);
await migrateToLatest(database.db);
const loaded = await seedDemoData(database.db, config.bcryptCost, consoleStartup.step);
if (loaded.length === 0) console.log('Nothing to load: the demo tenants are there, or the database holds other organisations.');
await database.close();
lock.release();
