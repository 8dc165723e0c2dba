import { useEffect, useId, useRef, type ReactNode } from 'react';

export interface DialogProps {
  open: boolean;
  title: string;
  /** Escape, the close button and the backdrop's form all end here. */
  onClose: () => void;
  description?: ReactNode;
  children: ReactNode;
  wide?: boolean;
}

/**
 * A modal on the native <dialog>: focus moves into it (the first field, else the dialog)
 * and returns to what had it when it closes; Escape closes it.
 */
export function Dialog({ open, title, onClose, description, children, wide = false }: DialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const latestOnClose = useRef(onClose);
  useEffect(() => {
    latestOnClose.current = onClose;
  });

  useEffect(() => {
    const element = dialog.current;
    if (!element || !open) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!element.open) element.showModal?.();
    const first = element.querySelector<HTMLElement>('input:not([type=hidden]), select, textarea');
    (first ?? element).focus();
    return () => {
      if (element.open) element.close?.();
      opener?.focus();
    };
  }, [open]);

  return (
    <dialog
      ref={dialog}
      className={wide ? 'modal modal-wide' : 'modal'}
      aria-labelledby={titleId}
      tabIndex={-1}
      onCancel={(event) => {
        event.preventDefault();
        latestOnClose.current();
      }}
    >
      {open && (
        <>
          <div className="modal-header">
            <h2 id={titleId} className="modal-title">
              {title}
            </h2>
            <button type="button" className="icon-button" aria-label="Close" onClick={() => latestOnClose.current()}>
              ×
            </button>
          </div>
          {description && <div className="modal-description">{description}</div>}
          {children}
        </>
      )}
    </dialog>
  );
}
