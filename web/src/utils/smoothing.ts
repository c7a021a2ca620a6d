/**
 * Exponential moving average with TensorBoard's debiasing: early values are divided by (1 - w^n) so the curve does
 * not start pulled towards zero. Non-finite inputs are passed through as NaN and do not poison later points.
 */
export function smoothEma(values: ArrayLike<number | null>, weight: number): (number | null)[] {
  const w = Math.min(Math.max(weight, 0), 0.999);
  const out: (number | null)[] = new Array(values.length);
  let last = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      out[i] = null;
      continue;
    }
    if (!Number.isFinite(v)) {
      out[i] = Number.NaN;
      continue;
    }
    last = last * w + (1 - w) * v;
    count++;
    const debias = w === 0 ? 1 : 1 - Math.pow(w, count);
    out[i] = last / debias;
  }
  return out;
}
