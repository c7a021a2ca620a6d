import { memo, useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { gridStroke, withAlpha } from './chartTheme';
import { useElementWidth } from '../../hooks/useElementWidth';

interface SparklineProps {
  time: readonly number[];
  values: readonly (number | null)[];
  color: string;
  label: string;
  max?: number;
  height?: number;
}

/** A small live line with no axes, for system figures. */
export const Sparkline = memo(function Sparkline({ time, values, color, label, max, height = 48 }: SparklineProps) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const width = useElementWidth(host);

  useEffect(() => {
    const el = host.current;
    if (!el || width === 0) return;
    const u = new uPlot(
      {
        width,
        height,
        legend: { show: false },
        cursor: { show: false },
        scales: { x: { time: false }, y: max === undefined ? { auto: true } : { range: [0, max] } },
        axes: [{ show: false }, { show: false, grid: { stroke: gridStroke } }],
        series: [{}, { stroke: color, width: 1.5, fill: withAlpha(color, 0.15), points: { show: false } }],
      },
      [[], []],
      el,
    );
    plot.current = u;
    return () => {
      u.destroy();
      plot.current = null;
    };
  }, [width, height, color, max]);

  useEffect(() => {
    plot.current?.setData([time as number[], values as (number | null)[]]);
  }, [time, values, width]);

  return <div ref={host} role="img" aria-label={label} className="w-full" style={{ height }} />;
});
