import { useLayoutEffect, useRef, type DependencyList, type RefObject } from 'react';
import { bindStore } from '../lib/storeBinding';
import { monitoringStore, type MonitoringState } from '../store/monitoring';

/**
 * A ref for an element whose content follows the store outside React: `write(element, value)` runs on mount and
 * whenever `select`'s value changes (`equal`), straight from the store's notification. For the figures a live update
 * changes ten times a second; the component itself renders once. `select` and `write` are taken anew when `deps` change.
 */
export function useStoreDom<E extends Element, T>(
  select: (state: MonitoringState) => T,
  write: (element: E, value: T) => void,
  deps: DependencyList,
  equal?: (a: T, b: T) => boolean,
): RefObject<E | null> {
  const ref = useRef<E>(null);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    return bindStore(monitoringStore, select, (value) => write(element, value), equal);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the caller names what select/write depend on
  }, deps);
  return ref;
}

/**
 * Sets an element's text by changing its one text node in place (as React does) rather than replacing its children
 * (`textContent =`), which would make a new node to style and lay out on every update.
 */
export function writeText(element: Element, text: string): void {
  const node = element.firstChild;
  if (node !== null && node.nodeType === Node.TEXT_NODE && node.nextSibling === null) {
    if (node.nodeValue !== text) node.nodeValue = text;
  } else element.textContent = text;
}
