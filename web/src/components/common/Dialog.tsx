import { useEffect, useRef, type ReactNode } from 'react';

interface DialogProps {
  open: boolean;
  title: string;
  onClose: () => void;
  children: ReactNode;
}

/** A modal on the native <dialog>: focus trapping, Escape and the backdrop come from the browser. */
export function Dialog({ open, title, onClose, children }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      aria-label={title}
      onClose={onClose}
      onCancel={onClose}
      className="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-lg border border-[var(--border)] bg-[var(--bg-secondary)] p-4 text-[var(--text-primary)] backdrop:bg-black/70"
    >
      {open && (
        <>
          <h2 className="mb-3 text-base font-semibold">{title}</h2>
          {children}
        </>
      )}
    </dialog>
  );
}

interface ConfirmProps {
  open: boolean;
  title: string;
  message: string;
  confirmLabel: string;
  danger?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}

/** Asks before a destructive action; the safe choice (Cancel) has the focus. */
export function ConfirmDialog({ open, title, message, confirmLabel, danger, onConfirm, onCancel }: ConfirmProps) {
  return (
    <Dialog open={open} title={title} onClose={onCancel}>
      <p className="mb-4 text-sm text-[var(--text-secondary)]">{message}</p>
      <div className="flex justify-end gap-2">
        <button type="button" autoFocus onClick={onCancel} className="rounded border border-[var(--border)] px-3 py-1.5 text-sm hover:bg-[#262626]">
          Cancel
        </button>
        <button
          type="button"
          onClick={onConfirm}
          className={`rounded px-3 py-1.5 text-sm font-medium text-white ${danger ? 'bg-[var(--danger)]' : 'bg-[var(--accent)]'}`}
        >
          {confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
