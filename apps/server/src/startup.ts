import { ConfigError } from './config.js';

/** What the server says while it starts: steps on stdout, warnings on stderr (see main.ts). */
export interface StartupLog {
  step: (message: string) => void;
  warn: (message: string) => void;
}

export const quietStartup: StartupLog = { step: () => undefined, warn: () => undefined };

/** A reason not to start that the operator can fix; main.ts prints it as "Pulse cannot start: …" and exits 1. */
export class StartupError extends Error {}

/** The server and the command-line tools say their steps on the console. */
export const consoleStartup: StartupLog = {
  step: (message) => console.log(message),
  warn: (message) => console.warn(`Warning: ${message}`),
};

/** Runs a start-up step; a reason not to start is printed as one sentence and exits 1. */
export async function orExit<T>(step: () => T | Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof ConfigError || error instanceof StartupError) {
      console.error(`Pulse cannot start: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
}
