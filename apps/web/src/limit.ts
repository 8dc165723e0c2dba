/**
 * Runs tasks at most `max` at a time, in the order asked. A task whose signal is aborted
 * before its turn never runs. Row queries go through this so that the calls the tRPC
 * link batches together stay well under the server's limit of 25 calls per batch.
 */
export function concurrencyLimit(max: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  const next = () => {
    active -= 1;
    waiting.shift()?.();
  };
  return function run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = () => {
        if (signal?.aborted) {
          reject(signal.reason);
          waiting.shift()?.();
          return;
        }
        active += 1;
        task().then(
          (value) => {
            next();
            resolve(value);
          },
          (error: unknown) => {
            next();
            reject(error);
          },
        );
      };
      if (active < max) start();
      else waiting.push(start);
    });
  };
}
