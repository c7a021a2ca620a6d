// Deterministic train/val loss curves: the same numbers for both libraries in every run.

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Points (step, train loss, val loss) of a run of `total` steps: a noisy exponential decay for training, a smoother
 * one that rises slowly at the end (over-fitting) for validation. Each `next()` returns the following point.
 */
export function lossCurve(total, seed = 42) {
  const rand = mulberry32(seed);
  let i = 0;
  let val = 2.4;
  return {
    next() {
      const t = i / total;
      const train = 0.05 + 2.3 * Math.exp(-6 * t) + (rand() - 0.5) * 0.3 * (0.2 + Math.exp(-3 * t));
      val += (0.12 + 2.2 * Math.exp(-5 * t) + 0.08 * t * t - val) * 0.05 + (rand() - 0.5) * 0.01;
      return [i++, train, val];
    },
  };
}

/** Columns { x, train, val } of the next `n` points as plain number arrays (what a dashboard holds after JSON). */
export function takeColumns(curve, n, cols = { x: [], train: [], val: [] }) {
  for (let k = 0; k < n; k++) {
    const p = curve.next();
    cols.x.push(p[0]);
    cols.train.push(p[1]);
    cols.val.push(p[2]);
  }
  return cols;
}
