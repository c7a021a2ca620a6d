/** Each row divided by its total (rows are true classes), so a cell reads "share of class i predicted as j". */
export function rowNormalise(matrix: readonly (readonly number[])[]): number[][] {
  return matrix.map((row) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((v) => (total > 0 ? v / total : 0));
  });
}

/** The cell under a point, or null outside the grid. */
export function cellAt(x: number, y: number, originX: number, originY: number, cell: number, n: number): { row: number; col: number } | null {
  const col = Math.floor((x - originX) / cell);
  const row = Math.floor((y - originY) / cell);
  if (col < 0 || row < 0 || col >= n || row >= n) return null;
  return { row, col };
}
