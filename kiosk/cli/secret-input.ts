import { wipe } from '../../shared/bytes.ts';

/**
 * Reads a secret (PIN) from standard input, never from argv: until end of input or the first
 * newline. From a terminal it prompts on stderr and does not echo. The returned bytes belong
 * to the caller, who zeroes them after use; every intermediate buffer is zeroed here.
 */
export async function readSecretFromStdin(prompt = 'PIN: ', maxLength = 64): Promise<Uint8Array> {
  const stdin = process.stdin;
  const tty = stdin.isTTY;
  if (tty) {
    process.stderr.write(prompt);
    stdin.setRawMode(true);
  }
  const collected = new Uint8Array(maxLength);
  let length = 0;
  let overflow = false;
  try {
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer): void => {
        for (const byte of chunk) {
          if (byte === 0x0a || byte === 0x0d || (tty && byte === 0x04)) {
            finish();
            break;
          }
          if (tty && byte === 0x03) {
            finish(new Error('interrupted'));
            break;
          }
          if (length < maxLength) collected[length++] = byte;
          else overflow = true;
        }
        chunk.fill(0);
      };
      const finish = (error?: Error): void => {
        stdin.off('data', onData);
        stdin.off('end', onEnd);
        stdin.pause();
        if (error) reject(error);
        else resolve();
      };
      const onEnd = (): void => finish();
      stdin.on('data', onData);
      stdin.once('end', onEnd);
      stdin.resume();
    });
  } finally {
    if (tty) {
      stdin.setRawMode(false);
      process.stderr.write('\n');
    }
  }
  const secret = collected.slice(0, overflow ? 0 : length);
  wipe(collected);
  return secret;
}
