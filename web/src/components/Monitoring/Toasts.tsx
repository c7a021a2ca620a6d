import { useEffect } from 'react';
import { monitoringStore, useMonitoring, type Toast } from '../../store/monitoring';

function ToastItem({ toast }: { toast: Toast }) {
  useEffect(() => {
    const id = setTimeout(() => monitoringStore.getState().dismissToast(toast.id), 8000);
    return () => clearTimeout(id);
  }, [toast.id]);
  const color = toast.severity === 'critical' ? 'var(--danger)' : 'var(--warning)';
  return (
    <div role="alert" data-testid="toast" className="pointer-events-auto flex items-start gap-2 rounded-lg border bg-[var(--bg-secondary)] p-3 text-sm shadow-lg" style={{ borderColor: color }}>
      <span aria-hidden="true" style={{ color }}>
        ⚠
      </span>
      <div className="min-w-0 flex-1">
        <div className="font-semibold" style={{ color }}>
          {toast.title}
        </div>
        <div className="text-xs text-[var(--text-secondary)]">{toast.message}</div>
      </div>
      <button type="button" aria-label="Dismiss alert" onClick={() => monitoringStore.getState().dismissToast(toast.id)} className="text-[var(--text-secondary)] hover:text-white">
        ✕
      </button>
    </div>
  );
}

/** Non-blocking notices in a corner: a condition turned critical (or worse). */
export function Toasts() {
  const toasts = useMonitoring((s) => s.toasts);
  return (
    <div className="pointer-events-none fixed right-3 bottom-3 z-30 flex w-[min(22rem,calc(100vw-1.5rem))] flex-col gap-2" aria-live="assertive">
      {toasts.map((t) => (
        <ToastItem key={t.id} toast={t} />
      ))}
    </div>
  );
}
