import type { ReactNode } from 'react';

interface PanelProps {
  title: string;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
  testId?: string;
}

/**
 * Classes that make a box that changes often its own compositor layer with layout, paint and style containment, so
 * a live update repaints that box only, not the page's root layer (which holds everything not in such a box).
 */
export const OWN_LAYER = '[contain:content] will-change-transform';

/** A titled card: every dashboard section sits in one, so the grid can place them uniformly. */
export function Panel({ title, actions, children, className = '', testId }: PanelProps) {
  return (
    <section
      aria-label={title}
      data-testid={testId}
      className={`min-w-0 rounded-lg border border-[var(--border)] bg-[var(--bg-secondary)] p-3 ${OWN_LAYER} ${className}`}
    >
      <header className="mb-2 flex flex-wrap items-center justify-between gap-2">
        <h2 className="text-sm font-semibold tracking-wide text-[var(--text-primary)]">{title}</h2>
        {actions && <div className="flex flex-wrap items-center gap-1">{actions}</div>}
      </header>
      {children}
    </section>
  );
}

/** Placeholder while a lazily loaded panel's code arrives. */
export function PanelFallback({ title }: { title: string }) {
  return (
    <Panel title={title}>
      <div className="h-48 animate-pulse rounded bg-[var(--bg-primary)]" aria-busy="true" />
    </Panel>
  );
}
