import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import type {} from './bundle-setup.js';

export const repoRoot = path.resolve(import.meta.dirname, '../../..');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment the CLI sees: ours, less anything that would change its defaults. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ['PULSE_PASSWORD', 'PULSE_TOKEN', 'PULSE_URL', 'PULSE_EMAIL', 'PULSE_DEBUG', 'npm_lifecycle_event', 'INIT_CWD', 'XDG_CONFIG_HOME']) {
    delete env[name];
  }
  return { ...env, NO_COLOR: '1', ...extra };
}

/** Runs `pulse ARGS` as a child process (the bundle bundle-setup.ts built), with input on its stdin. */
export function runCli(args: string[], opts: { configDir: string; input?: string; env?: Record<string, string> }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [inject('cliBundle'), ...args], {
      cwd: repoRoot,
      env: cleanEnv({ PULSE_CONFIG_DIR: opts.configDir, ...opts.env }),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
