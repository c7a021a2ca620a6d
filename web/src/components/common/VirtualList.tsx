import { useLayoutEffect, useRef, useState, type ReactNode } from 'react';

interface VirtualListProps<T> {
  items: readonly T[];
  rowHeight: number;
  /** The list's height in pixels; with `fill`, its least height. */
  height: number;
  render: (item: T, index: number) => ReactNode;
  label: string;
  overscan?: number;
  /** Grow into the free height of a flex column (a panel beside a taller one shows more rows instead of a gap). */
  fill?: boolean;
}

/** Renders only the rows in view (fixed row height), so a list of thousands of entries stays cheap. */
export function VirtualList<T>({ items, rowHeight, height, render, label, overscan = 6, fill = false }: VirtualListProps<T>) {
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(height);
  const list = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const element = list.current;
    if (!fill || !element) return;
    const measure = () => setViewport(Math.max(height, element.clientHeight));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [fill, height]);
  const shown = fill ? viewport : height;
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(items.length, Math.ceil((scrollTop + shown) / rowHeight) + overscan);
  const rows: ReactNode[] = [];
  for (let i = first; i < last; i++) {
    rows.push(
      <div key={i} role="listitem" style={{ position: 'absolute', top: i * rowHeight, height: rowHeight, left: 0, right: 0 }}>
        {render(items[i]!, i)}
      </div>,
    );
  }
  const body = (
    <div
      ref={list}
      role="list"
      aria-label={label}
      tabIndex={0}
      className={`overflow-y-auto ${fill ? 'absolute inset-0' : 'relative'}`}
      style={fill ? undefined : { maxHeight: height }}
      onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
    >
      <div style={{ height: items.length * rowHeight, position: 'relative' }}>{rows}</div>
    </div>
  );
  if (!fill) return body;
  // Out of the flow, the rows do not make the panel (and its grid row) taller; the box takes the space left.
  return (
    <div className="relative min-h-0 flex-1" style={{ minHeight: Math.min(height, items.length * rowHeight) }}>
      {body}
    </div>
  );
}
