/**
 * The production build: the server, its scripts and every workspace package they import
 * (whose exports are TypeScript sources) compiled to JavaScript in dist/, run with plain
 * `node dist/main.js`. npm packages stay external and load from node_modules (production
 * dependencies only). Files found beside a module at run time are entry points of their own:
 *   dist/workbook-worker.js   the ingest worker thread, started beside the module that starts it
 *   dist/migrations/*.js      Kysely's FileMigrationProvider reads this folder beside the migrator
 * Code shared by the entry points goes to chunks in dist/ itself, so `import.meta.url` of each
 * chunk names dist/ as it named the source folder.
 */
import fs from 'node:fs';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const serverDir = path.dirname(fileURLToPath(import.meta.url));
const migrations = path.join(serverDir, '../../packages/db/src/migrations');

const { dependencies } = JSON.parse(fs.readFileSync(path.join(serverDir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };

/**
 * npm packages stay external and workspace packages (@pulse/*) are bundled. An npm package
 * imported by bundled code loads from the server's own node_modules, so it must be one of the
 * server's dependencies: the build stops otherwise, naming the package and the importer.
 */
const npmExternal: Plugin = {
  name: 'npm-external',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('@pulse/')) return undefined;
      if (isBuiltin(args.path)) return { path: args.path, external: true };
      const name = args.path
        .split('/')
        .slice(0, args.path.startsWith('@') ? 2 : 1)
        .join('/');
      if (name in dependencies) return { path: args.path, external: true };
      return {
        errors: [
          { text: `${name} (imported by ${path.relative(serverDir, args.importer)}) is not a dependency of @pulse/server: add it to apps/server/package.json` },
        ],
      };
    });
  },
};

/** Compiles into outdir (emptied first); `tsx build.ts` builds into dist/. */
export async function buildServer(outdir: string): Promise<void> {
  fs.rmSync(outdir, { recursive: true, force: true });
  await build({
    entryPoints: {
      main: 'src/main.ts',
      migrate: 'src/scripts/migrate.ts',
      seed: 'src/scripts/seed.ts',
      'workbook-worker': '../../packages/ingest/src/workbook-worker.ts',
      ...Object.fromEntries(
        fs
          .readdirSync(migrations)
          .filter((file) => file.endsWith('.ts'))
          .map((file) => [`migrations/${file.slice(0, -'.ts'.length)}`, path.join(migrations, file)]),
      ),
    },
    absWorkingDir: serverDir,
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: true,
    plugins: [npmExternal],
    logLevel: 'warning',
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildServer(path.join(serverDir, 'dist'));
  console.log('Built the server into apps/server/dist: node dist/main.js starts it.');
}
