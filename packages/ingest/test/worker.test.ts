import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { parseCustomerProfiles, parseCustomerProfilesInWorker, parseWorkbook, parseWorkbookInWorker } from '../src/index.js';
import { SAMPLES, sample } from './helpers.js';
import { zipBombWorkbook } from './zip-bomb.js';

const WORKBOOK = 'workbooks/automotive_solutions_kpis.xlsx';

// Each parse starts a worker thread, which loads exceljs (and, from the sources, tsx): seconds on a busy machine.
describe('parsing workbooks in a worker thread', { timeout: 120_000 }, () => {
  it('gives the same result as parsing in the calling thread', async () => {
    const bytes = sample(WORKBOOK);
    const opts = { period: '2026-01', accountName: null };
    expect(await parseWorkbookInWorker(bytes, opts)).toEqual({ result: await parseWorkbook(bytes, opts) });
    const profiles = sample('customer-profile.xlsx');
    expect(await parseCustomerProfilesInWorker(profiles)).toEqual({ result: await parseCustomerProfiles(profiles) });
  });

  it('refuses a zip bomb whose central directory lies about its size, without inflating it all', async () => {
    // The sheet is declared as 1 KB but inflates to 300 MB: the checked inflation stops at byte 1025.
    const started = Date.now();
    expect(await parseWorkbookInWorker(zipBombWorkbook(300, { lie: true }), { period: '2026-01' })).toEqual({
      refusal: expect.stringMatching(/^The workbook's contents do not match its table of contents \(.*\); it was not opened\.$/),
    });
    expect(Date.now() - started).toBeLessThan(60_000);
  });

  it('stops a parse that takes too long or too much memory, and the next parse still works', async () => {
    const bytes = sample(WORKBOOK);
    expect(await parseWorkbookInWorker(bytes, { period: '2026-01' }, { timeoutMs: 1, maxHeapMb: 512 })).toEqual({
      refusal: 'The workbook took longer than 0 seconds to read; it was not imported.',
    });
    expect(await parseWorkbookInWorker(bytes, { period: '2026-01' }, { timeoutMs: 60_000, maxHeapMb: 4 })).toEqual({
      refusal: 'The workbook needs more than 4 MB of memory to read; it was not imported.',
    });
    expect(await parseWorkbookInWorker(bytes, { period: '2026-01' })).toMatchObject({ result: { problems: [] } });
  });
});

describe('the worker thread outside vitest', () => {
  const run = (args: string[], cwd: string) => promisify(execFile)(process.execPath, args, { cwd, env: { ...process.env, NODE_OPTIONS: '' } });
  const script = (from: string) => `import fs from 'node:fs';
import { parseWorkbookInWorker } from ${JSON.stringify(from)};
const { result } = await parseWorkbookInWorker(fs.readFileSync(${JSON.stringify(SAMPLES + WORKBOOK)}), { period: '2026-01' });
console.log(JSON.stringify({ rows: result.rows.length, problems: result.problems }));`;

  it('starts the .ts worker when the server runs its sources through tsx (pnpm dev)', { timeout: 120_000 }, async () => {
    const packageDir = fileURLToPath(new URL('..', import.meta.url));
    const dir = fs.mkdtempSync(path.join(packageDir, '.tsx-test-'));
    try {
      fs.writeFileSync(path.join(dir, 'run.ts'), script('../src/index.ts'));
      const { stdout } = await run([fileURLToPath(import.meta.resolve('tsx/cli')), 'run.ts'], dir);
      expect(JSON.parse(stdout)).toEqual({ rows: 59, problems: [] });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('starts the .js worker beside the compiled module, with no TypeScript loader', { timeout: 120_000 }, async () => {
    const packageDir = fileURLToPath(new URL('..', import.meta.url));
    const out = fs.mkdtempSync(path.join(packageDir, '.build-test-'));
    try {
      await build({
        entryPoints: { index: 'src/index.ts', 'workbook-worker': 'src/workbook-worker.ts' },
        absWorkingDir: packageDir,
        outdir: out,
        bundle: true,
        format: 'esm',
        platform: 'node',
        // npm packages stay external; workspace packages (@pulse/scoring) are bundled, as their exports are TypeScript sources.
        plugins: [
          {
            name: 'npm-external',
            setup(b) {
              b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@pulse/') ? undefined : { path: args.path, external: true }));
            },
          },
        ],
        logLevel: 'silent',
      });
      fs.writeFileSync(path.join(out, 'run.js'), script('./index.js'));
      const { stdout } = await run(['run.js'], out);
      expect(JSON.parse(stdout)).toEqual({ rows: 59, problems: [] });
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
