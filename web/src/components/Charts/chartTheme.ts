/** Colours for chart lines: distinct on the dark background and from the status colours. */
export const palette = ['#8b6cf0', '#22d3ee', '#f472b6', '#a3e635', '#fbbf24', '#60a5fa'];

export const axisStroke = '#a0a0a0';
export const gridStroke = 'rgba(255,255,255,0.07)';

/** A colour with transparency, for the faint raw curve and the min/max envelope. */
export function withAlpha(hex: string, alpha: number): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${alpha})`;
}
