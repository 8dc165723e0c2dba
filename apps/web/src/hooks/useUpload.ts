import { useCallback, useEffect, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { UploadProgress } from '@pulse/client';
import type { ErrorLike } from '../errors.js';
import { endSession } from '../session.js';
import { trpc } from '../trpc.js';
import { sendUpload, UploadError, type UploadInput, type UploadResult } from '../upload.js';

export type UploadState =
  | { phase: 'idle' }
  /** sent: share of the file sent so far, 0–1, or null when the browser cannot tell. */
  | { phase: 'sending'; sent: number | null }
  /** The file is on the server, which is importing it: progress is what it has read and stored so far (null before its first batch). */
  | { phase: 'importing'; progress: UploadProgress | null }
  | { phase: 'done'; result: UploadResult }
  | { phase: 'failed'; error: ErrorLike };

/**
 * Sends one file at a time with progress; on an answer, refreshes everything the import
 * may have changed. UNAUTHORIZED ends the session as for any other call.
 */
export function useUpload() {
  const [state, setState] = useState<UploadState>({ phase: 'idle' });
  const controller = useRef<AbortController | null>(null);
  const utils = trpc.useUtils();
  const queryClient = useQueryClient();

  useEffect(() => () => controller.current?.abort(), []);

  const start = useCallback(
    (input: UploadInput) => {
      controller.current?.abort();
      const current = new AbortController();
      controller.current = current;
      setState({ phase: 'sending', sent: 0 });
      sendUpload(input, {
        signal: current.signal,
        onProgress: (sent) => setState({ phase: 'sending', sent }),
        onSent: () => setState((now) => (now.phase === 'importing' ? now : { phase: 'importing', progress: null })),
        onImportProgress: (progress) => setState({ phase: 'importing', progress }),
      }).then(
        (result) => {
          setState({ phase: 'done', result });
          void utils.invalidate();
        },
        (error: unknown) => {
          if (current.signal.aborted) {
            setState({ phase: 'idle' });
            return;
          }
          const failure = error instanceof UploadError ? error : new UploadError(String(error));
          if (failure.data?.code === 'UNAUTHORIZED') endSession(queryClient, { reason: 'expired', returnHere: true });
          setState({ phase: 'failed', error: failure });
        },
      );
    },
    [utils, queryClient],
  );

  const cancel = useCallback(() => controller.current?.abort(), []);
  const reset = useCallback(() => setState({ phase: 'idle' }), []);
  return { state, start, cancel, reset };
}
