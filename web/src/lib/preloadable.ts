import { createElement, lazy, useState, type ComponentType } from 'react';

/** A component whose code loads on demand, and the function that starts (or joins) that load. */
export interface Preloadable<P extends object> {
  Component: ComponentType<P>;
  preload: () => Promise<void>;
}

/**
 * A lazily loaded component that renders at once when its chunk has already loaded. `React.lazy` alone suspends on
 * its first render even then, and React holds back the content of a boundary that showed its fallback for up to
 * 300 ms: a chart whose chunk was preloaded would otherwise appear that much later than it could.
 */
export function preloadable<P extends object>(load: () => Promise<{ default: ComponentType<P> }>): Preloadable<P> {
  let loaded: ComponentType<P> | null = null;
  let pending: Promise<{ default: ComponentType<P> }> | null = null;
  const start = () =>
    (pending ??= load().then(
      (module) => {
        loaded = module.default;
        return module;
      },
      (error: unknown) => {
        pending = null; // a later render tries again
        throw error;
      },
    ));
  const Deferred = lazy(start);
  function Component(props: P) {
    // Chosen once per mount: switching from the lazy wrapper to the loaded type later would remount the component.
    const [type] = useState<ComponentType<P>>(() => loaded ?? Deferred);
    return createElement(type, props);
  }
  return {
    Component,
    preload: () => start().then(() => undefined),
  };
}
