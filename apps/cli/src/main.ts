import { Command } from 'commander';
import { registerAccounts } from './commands/accounts.js';
import { registerAuth } from './commands/auth.js';
import { registerExport } from './commands/export.js';
import { registerHealth } from './commands/health.js';
import { registerUpload } from './commands/upload.js';
import { CliError, EXIT } from './errors.js';
import { setTokenFlag } from './connection.js';

const VERSION = '0.1.0';

export function buildProgram(): Command {
  const program = new Command('pulse')
    .description('Pulse from the command line: sign in, upload KPI files, list accounts, explain health, export data.')
    .version(VERSION, '-v, --version')
    .showHelpAfterError('(add --help for usage)')
    .addHelpText(
      'after',
      `
Start with:  pulse login --url http://127.0.0.1:3000 --email you@example.com
Every command has --help. Settings: PULSE_CONFIG_DIR (where the session is kept),
PULSE_URL, PULSE_EMAIL and PULSE_PASSWORD (defaults for login).

Scripts and cron jobs can skip login with an API token (an admin creates one in Pulse):
  PULSE_URL=http://127.0.0.1:3000 PULSE_TOKEN=pulse_… pulse upload kpis.xlsx --period 2026-01`,
    )
    .option('--token <token>', 'act with this API token instead of the saved session (default: $PULSE_TOKEN)')
    .hook('preAction', (command) => setTokenFlag(command.opts<{ token?: string }>().token));
  registerAuth(program);
  registerUpload(program);
  registerAccounts(program);
  registerHealth(program);
  registerExport(program);
  return program;
}

async function main(argv: string[]): Promise<void> {
  // `pulse … | head` closes stdout early: that is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof CliError) {
      console.error(`pulse: ${error.message}`);
      process.exitCode = error.exitCode;
      return;
    }
    console.error(`pulse: unexpected error: ${error instanceof Error ? error.message : String(error)}`);
    if (process.env.PULSE_DEBUG && error instanceof Error) console.error(error.stack);
    process.exitCode = EXIT.failure;
  }
}

// Not a top-level await: the built bin is a CommonJS bundle (dist/pulse.cjs).
void main(process.argv);
