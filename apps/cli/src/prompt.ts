import { CliError, EXIT } from './errors.js';

/** Everything on standard input, less one trailing newline (for --password-stdin). */
export async function readStdin(stdin: NodeJS.ReadStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

// Terminal escape sequences (arrow keys, bracketed-paste markers) are not part of a password.
// eslint-disable-next-line no-control-regex
const ESCAPES = /\x1b(\[[0-9;?]*[ -/]*[@-~]|O.|.)?/g;

/**
 * Asks for a secret on the terminal with echo off: the terminal is put in raw mode, so
 * nothing typed is shown, and the prompt goes to stderr. Backspace and Ctrl-U edit;
 * Ctrl-C and Ctrl-D (on an empty line) cancel.
 */
export function promptHidden(prompt: string, stdin: NodeJS.ReadStream = process.stdin, output: NodeJS.WriteStream = process.stderr): Promise<string> {
  if (!stdin.isTTY || typeof stdin.setRawMode !== 'function') {
    return Promise.reject(new CliError('No terminal to ask for the password on: pipe it in with --password-stdin, or set PULSE_PASSWORD.'));
  }
  output.write(prompt);
  const wasRaw = stdin.isRaw;
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (result: { ok: string } | { error: Error }) => {
      stdin.off('data', onData);
      stdin.setRawMode(wasRaw);
      stdin.pause();
      output.write('\n');
      if ('ok' in result) resolve(result.ok);
      else reject(result.error);
    };
    const onData = (chunk: string | Buffer) => {
      const text = String(chunk).replace(ESCAPES, '');
      for (const ch of text) {
        if (ch === '\r' || ch === '\n') return finish({ ok: value });
        if (ch === '\u0003' || (ch === '\u0004' && value === '')) return finish({ error: new CliError('Cancelled.', EXIT.cancelled) });
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else if (ch === '\u0015') value = '';
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.on('data', onData);
  });
}
