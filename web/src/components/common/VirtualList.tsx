import { useState, type ReactNode } from 'react';

interface VirtualListProps<T> {
  items: readonly T[];
  rowHeight: number;
  height: number;
  render: (item: T, index: number) => ReactNode;
  label: string;
  overscan?: number;
}

/** Renders only the rows in view (fixed row height), so a list of thousands of entries stays cheap. */
export function VirtualList<T>({ items, rowHeight, height, render, label, overscan = 6 }: VirtualListProps<T>) {
  const [scrollTop, setScrollTop] = useState(0);
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(items.length, Math.ceil((scrollTop + height) / rowHeight) + overscan);
  const rows: ReactNode[] = [];
  for (let i = first; i < last; i++) {
    rows.push(
      <div key={i} role="listitem" style={{ position: 'absolute', top: i * rowHeight, height: rowHeight, left: 0, right: 0 }}>
        {render(items[i]!, i)}
      </div>,
    );
  }
  return (
    <div
      role="list"
      aria-label={label}
      tabIndex={0}
      className="relative overflow-y-auto"
      style={{ maxHeight: height }}
      onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
    >
      <div style={{ height: items.length * rowHeight, position: 'relative' }}>{rows}</div>
    </div>
  );
}
