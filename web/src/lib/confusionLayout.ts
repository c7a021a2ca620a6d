/** How the confusion matrix labels its axes: class names, or class numbers with a key under the matrix. */
export type LabelMode = 'names' | 'numbers';

export interface MatrixLayout {
  mode: LabelMode;
  /** Side of one cell, px. */
  cell: number;
  /** Room for the row labels (true classes), px. */
  rowLabelWidth: number;
  /** Room for the column labels (predicted classes), px. */
  columnLabelHeight: number;
  /** Label font size, px. */
  labelFont: number;
  /** Column numbers alternate between two lines, where side by side they would touch. */
  staggered: boolean;
}

/** Measures `text` at `fontPx` (the component passes a canvas's measureText; tests a fixed-width stand-in). */
export type MeasureText = (text: string, fontPx: number) => number;

export const NAME_FONT = 12;
/** Longer names are cut with an ellipsis; the label's title keeps the full name. */
export const MAX_NAME_LABEL = 180;
/** A column of names needs at least a line of text per cell. */
export const MIN_NAMED_CELL = 16;
export const MIN_CELL = 10;
export const MAX_CELL = 36;
const LABEL_PADDING = 8;

const clampCell = (cell: number) => Math.max(MIN_CELL, Math.min(MAX_CELL, cell));

/**
 * Sizes the matrix for the width it has. Class names label both axes when the cells can stay at least 16 px beside
 * them; otherwise (a phone) the axes carry class numbers and a key lists the names, so the whole matrix still fits.
 * Only when even that would need cells under 10 px does the panel scroll sideways.
 */
export function matrixLayout(width: number, names: readonly string[], measure: MeasureText): MatrixLayout {
  const n = Math.max(1, names.length);
  let longest = 0;
  for (const name of names) longest = Math.max(longest, measure(name, NAME_FONT));
  const nameRoom = Math.min(MAX_NAME_LABEL, Math.ceil(longest) + LABEL_PADDING);
  const namedCell = Math.floor((width - nameRoom) / n);
  if (namedCell >= MIN_NAMED_CELL) {
    return { mode: 'names', cell: Math.min(MAX_CELL, namedCell), rowLabelWidth: nameRoom, columnLabelHeight: nameRoom, labelFont: NAME_FONT, staggered: false };
  }
  // Numbers: a line of text per row, so the font follows the cell; the row labels' room is the widest number's.
  const widest = String(names.length);
  const cell = clampCell(Math.floor((width - Math.ceil(measure(widest, 11)) - LABEL_PADDING) / n));
  const labelFont = Math.max(8, Math.min(11, cell - 2));
  const rowLabelWidth = Math.ceil(measure(widest, labelFont)) + LABEL_PADDING;
  const staggered = measure(widest, labelFont) > cell - 3;
  const line = labelFont + 3;
  return { mode: 'numbers', cell, rowLabelWidth, columnLabelHeight: (staggered ? 2 * line : line) + 4, labelFont, staggered };
}
