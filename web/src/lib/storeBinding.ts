/** The part of a Zustand store a binding needs. */
export interface SubscribableStore<S> {
  getState(): S;
  subscribe(listener: (state: S, previous: S) => void): () => void;
}

/**
 * Calls `write` with `select(state)` now and again whenever the selected value changes (`equal`, `Object.is` by
 * default); returns the unsubscribe. It runs inside the store's own notification, with no React render: figures that
 * change with every live update (ten a second) are cheaper to set on their element than to re-render.
 */
export function bindStore<S, T>(
  store: SubscribableStore<S>,
  select: (state: S) => T,
  write: (value: T) => void,
  equal: (a: T, b: T) => boolean = Object.is,
): () => void {
  let last = select(store.getState());
  write(last);
  return store.subscribe((state) => {
    const next = select(state);
    if (equal(last, next)) return;
    last = next;
    write(next);
  });
}
