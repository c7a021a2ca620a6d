import { describe, expect, it } from 'vitest';
import { createStore } from 'zustand';
import { shallow } from 'zustand/vanilla/shallow';
import { bindStore } from './storeBinding';

function counterStore() {
  return createStore<{ a: number; b: number }>()(() => ({ a: 1, b: 1 }));
}

describe('bindStore', () => {
  it('writes the selected value at once and again only when it changes', () => {
    const store = counterStore();
    const written: number[] = [];
    bindStore(store, (s) => s.a, (v) => written.push(v));
    expect(written).toEqual([1]);
    store.setState({ b: 2 }); // another field: nothing to write
    store.setState({ a: 1 }); // same value
    expect(written).toEqual([1]);
    store.setState({ a: 3 });
    store.setState({ a: 4 });
    expect(written).toEqual([1, 3, 4]);
  });

  it('stops writing once unsubscribed', () => {
    const store = counterStore();
    const written: number[] = [];
    const stop = bindStore(store, (s) => s.a, (v) => written.push(v));
    stop();
    store.setState({ a: 9 });
    expect(written).toEqual([1]);
  });

  it('compares with the given equality, so a rebuilt object with the same fields writes nothing', () => {
    const store = counterStore();
    const written: { text: string }[] = [];
    bindStore(store, (s) => ({ text: String(s.a) }), (v) => written.push(v), shallow);
    store.setState({ b: 5 });
    expect(written).toHaveLength(1);
    store.setState({ a: 2 });
    expect(written.map((w) => w.text)).toEqual(['1', '2']);
  });
});
