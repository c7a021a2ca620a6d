import { useLayoutEffect, useState, type RefObject } from 'react';

/** The element's content width in whole pixels, kept current with a ResizeObserver (0 until measured). */
export function useElementWidth(ref: RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    // Measured once now, before the first paint: the observer's first report comes a frame later.
    setWidth(contentWidth(el));
    const observer = new ResizeObserver((entries) => setWidth(Math.floor(entries[0]!.contentRect.width)));
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}

function contentWidth(el: HTMLElement): number {
  const style = getComputedStyle(el);
  return Math.max(0, Math.floor(el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight)));
}
