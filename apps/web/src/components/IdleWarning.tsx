import { useEffect, useId, useRef } from 'react';
import { errorMessage } from '../errors.js';
import { formatCountdown, idlePhase } from '../idle.js';
import { useServerNow } from '../server-clock.js';
import { useSignOut } from '../session.js';
import { trpc, type SignedInSession } from '../trpc.js';

/**
 * Modal shown in the last two minutes before the idle limit. "Stay signed in" (or Escape)
 * counts as activity through session.refresh. When the time is up the status is asked
 * again: the session may have been used in another tab; if it has ended, the session
 * guard sends the user to the login page.
 */
export function IdleWarning({ session }: { session: SignedInSession }) {
  const expiresAt = Date.parse(session.idleExpiresAt);
  const remaining = expiresAt - useServerNow(1000);
  const phase = idlePhase(remaining);
  const atLimit = expiresAt >= Date.parse(session.absoluteExpiresAt);
  const utils = trpc.useUtils();
  const refresh = trpc.session.refresh.useMutation({ onSuccess: (status) => utils.session.status.setData(undefined, status) });
  const signOut = useSignOut();
  const dialog = useRef<HTMLDialogElement>(null);
  const stayButton = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const bodyId = useId();
  const open = phase !== 'active';

  useEffect(() => {
    if (phase === 'expired') void utils.session.status.invalidate();
  }, [phase, utils]);

  useEffect(() => {
    const element = dialog.current;
    if (open && !element?.open) {
      element?.showModal();
      stayButton.current?.focus();
    }
    if (!open && element?.open) element.close();
  }, [open]);

  const stay = () => {
    if (!atLimit) refresh.mutate();
  };

  return (
    <dialog
      ref={dialog}
      className="modal"
      role="alertdialog"
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      onCancel={(event) => {
        event.preventDefault();
        stay();
      }}
    >
      {open && (
        <>
          <h2 id={titleId} className="modal-title">
            {atLimit ? 'Your session is about to end' : 'Are you still there?'}
          </h2>
          <p id={bodyId}>
            You will be signed out in <strong className="countdown">{formatCountdown(remaining)}</strong>
            {atLimit ? '. Sessions have a maximum length; sign in again to continue afterwards.' : '.'}
          </p>
          {refresh.error && <p className="form-error">{errorMessage(refresh.error)}</p>}
          <div className="modal-actions">
            <button type="button" className="button button-secondary" onClick={() => signOut.mutate()} disabled={signOut.isPending}>
              Sign out now
            </button>
            {!atLimit && (
              <button type="button" className="button button-primary" ref={stayButton} onClick={stay} disabled={refresh.isPending}>
                Stay signed in
              </button>
            )}
          </div>
        </>
      )}
    </dialog>
  );
}
