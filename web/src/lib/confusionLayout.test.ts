import { describe, expect, it } from 'vitest';
import { MAX_NAME_LABEL, MIN_CELL, MIN_NAMED_CELL, matrixLayout } from './confusionLayout';

// A fixed-width stand-in font: half an em per character.
const measure = (text: string, font: number) => text.length * font * 0.5;
const names = Array.from({ length: 28 }, (_, i) => (i === 22 ? 'OCT Vitreomacular Traction' : `Class ${i}`));

describe('confusion matrix layout', () => {
  it('labels both axes with whole names when the cells stay readable beside them', () => {
    const l = matrixLayout(914, names, measure);
    expect(l.mode).toBe('names');
    expect(l.rowLabelWidth).toBe(Math.ceil(26 * 12 * 0.5) + 8);
    expect(l.cell).toBeGreaterThanOrEqual(MIN_NAMED_CELL);
    expect(l.rowLabelWidth + 28 * l.cell).toBeLessThanOrEqual(914);
  });

  it('caps very long names (they are cut with an ellipsis, the title keeps them)', () => {
    const l = matrixLayout(2000, ['x'.repeat(80), 'y'], measure);
    expect(l.rowLabelWidth).toBe(MAX_NAME_LABEL);
    expect(l.columnLabelHeight).toBe(MAX_NAME_LABEL);
  });

  it('switches to class numbers on a phone so the whole matrix fits', () => {
    const l = matrixLayout(340, names, measure);
    expect(l.mode).toBe('numbers');
    expect(l.cell).toBeGreaterThanOrEqual(MIN_CELL);
    expect(l.rowLabelWidth + 28 * l.cell).toBeLessThanOrEqual(340);
    // Two-digit numbers would touch side by side: they alternate between two lines, two cells of room each.
    expect(l.staggered).toBe(measure('28', l.labelFont) > l.cell - 3);
    expect(measure('28', l.labelFont)).toBeLessThanOrEqual(2 * l.cell - 3);
    expect(l.labelFont).toBeLessThanOrEqual(l.cell);
  });

  it('never shrinks cells under the minimum: the panel scrolls instead', () => {
    const l = matrixLayout(300, Array.from({ length: 60 }, (_, i) => `c${i}`), measure);
    expect(l.cell).toBe(MIN_CELL);
    expect(l.rowLabelWidth + 60 * l.cell).toBeGreaterThan(300);
  });
});
