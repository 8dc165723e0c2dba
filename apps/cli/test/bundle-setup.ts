import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The CLI bundled once for the test run, as `pnpm --filter @pulse/cli build` bundles it. */
    cliBundle: string;
  }
}

/**
 * Vitest global setup: bundles src/main.ts once with the options of the package's build
 * script, so each test runs `node pulse.cjs` instead of compiling the sources through tsx
 * in every child process. The teardown deletes the bundle.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-cli-bundle-'));
  const outfile = path.join(folder, 'pulse.cjs');
  await build({
    entryPoints: [path.join(import.meta.dirname, '../src/main.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile,
    banner: { js: '#!/usr/bin/env node' },
    logLevel: 'warning',
  });
  project.provide('cliBundle', outfile);
  return () => fs.rmSync(folder, { recursive: true, force: true });
}
