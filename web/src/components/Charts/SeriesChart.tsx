import { memo, useEffect, useMemo, useRef, useState } from 'react';
import uPlot, { type AlignedData, type Options } from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useSeries } from '../../hooks/useSeries';
import { useTimeAnchors } from '../../hooks/useTimeAnchors';
import { alignSeries, stepsToX, type XMode } from '../../lib/seriesData';
import { batchesPerEpochOf } from '../../lib/runs';
import { viewedRun, viewingLive, useMonitoring } from '../../store/monitoring';
import { download, toCsv } from '../../utils/csv';
import { smoothEma } from '../../utils/smoothing';
import { Button } from '../common/Button';
import { Panel } from '../common/Panel';
import { axisStroke, gridStroke, palette, withAlpha } from './chartTheme';
import { useElementWidth } from '../../hooks/useElementWidth';
import type { SeriesSpec } from '../../lib/chartSeries';

interface SeriesChartProps {
  title: string;
  specs: readonly SeriesSpec[];
  testId: string;
  /** File name stem for exports. */
  exportName: string;
  defaultLog?: boolean;
  height?: number;
}

export const CSV_HEADER = ['series', 'step', 'value', 'min', 'max', 'smoothed'];

const xLabels: Record<XMode, string> = { step: 'Step', epoch: 'Epoch', time: 'Wall time' };

/**
 * Train/val curves on uPlot: the min/max envelope of each bucket and the raw curve drawn faint, the debiased EMA
 * over them. Drag to zoom, wheel to zoom, Shift+wheel to pan, double-click or Reset to undo.
 */
export const SeriesChart = memo(function SeriesChart({ title, specs, testId, exportName, defaultLog = false, height = 240 }: SeriesChartProps) {
  const names = useMemo(() => specs.map((s) => s.name), [specs]);
  const { data, loading, error, historyLoad } = useSeries(names);
  const [xMode, setXMode] = useState<XMode>('step');
  // Only the wall-time axis needs the anchors (which move with every live update).
  const anchors = useTimeAnchors(xMode === 'time');
  const batchesPerEpoch = useBatchesPerEpoch();
  const [log, setLog] = useState(defaultLog);
  const [smoothing, setSmoothing] = useState(0.6);
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const zoomed = useRef(false);
  const width = useElementWidth(host);
  // The run whose freshly loaded history has not been drawn yet (see markHistoryDrawn).
  const undrawnHistory = useRef<string | null>(null);
  useEffect(() => {
    undrawnHistory.current = historyLoad?.runId ?? null;
  }, [historyLoad]);

  // Aligned columns and smoothing are recomputed only when the data or the smoothing weight change.
  const prepared = useMemo(() => {
    const aligned = alignSeries(specs.map((s) => data[s.name] ?? { steps: [], last: [], min: [], max: [] }));
    const smoothed = aligned.columns.map((c) => smoothEma(c.last, smoothing));
    return { ...aligned, smoothed };
  }, [data, specs, smoothing]);

  // Second axes (e.g. the VAE's loss) take room on the right only once one of their series has points.
  const rightAxes = useMemo(
    () => [...new Set(specs.filter((s, i) => s.axis !== undefined && prepared.columns[i]!.last.some((v) => v !== null)).map((s) => s.axis!))].join('\n'),
    [specs, prepared],
  );

  const plotData = useMemo<AlignedData>(() => {
    const x = stepsToX(prepared.x, xMode, batchesPerEpoch, anchors);
    const cols: (number | null)[][] = [];
    prepared.columns.forEach((c, i) => {
      cols.push(c.max, c.min, c.last, prepared.smoothed[i]!);
    });
    // uPlot's log scale cannot draw values <= 0: drop them there rather than break the axis.
    const safe = log ? cols.map((col) => col.map((v) => (v !== null && v > 0 ? v : null))) : cols;
    return [x, ...safe] as AlignedData;
  }, [prepared, xMode, batchesPerEpoch, anchors, log]);

  // (Re)create the plot when its options change; data changes only call setData.
  useEffect(() => {
    const el = host.current;
    if (!el || width === 0) return;
    const series: Options['series'] = [{ label: xLabels[xMode], value: (_u, v) => formatX(v, xMode) }];
    const bands: NonNullable<Options['bands']> = [];
    specs.forEach((s, i) => {
      const color = palette[i % palette.length]!;
      const base = series.length;
      const scale = s.axis ?? 'y';
      series.push({ label: `${s.label} max`, scale, stroke: 'transparent', points: { show: false }, spanGaps: true, show: true });
      series.push({ label: `${s.label} min`, scale, stroke: 'transparent', points: { show: false }, spanGaps: true });
      series.push({ label: `${s.label} raw`, scale, stroke: withAlpha(color, 0.35), width: 1, points: { show: false }, spanGaps: true });
      series.push({ label: s.label, scale, stroke: color, width: 2, points: { show: false }, spanGaps: true });
      bands.push({ series: [base, base + 1], fill: withAlpha(color, 0.12) });
    });
    const options: Options = {
      width,
      height,
      series,
      bands,
      legend: { show: true, live: true },
      cursor: { drag: { x: true, y: false, setScale: true }, points: { show: false } },
      scales: Object.fromEntries([
        ['x', { time: xMode === 'time' }],
        ...['y', ...new Set(specs.flatMap((s) => (s.axis ? [s.axis] : [])))].map((name) => [name, log ? { distr: 3 } : { auto: true }]),
      ]),
      axes: [
        { stroke: axisStroke, grid: { stroke: gridStroke }, ticks: { stroke: gridStroke } },
        { stroke: axisStroke, grid: { stroke: gridStroke }, ticks: { stroke: gridStroke }, size: 56 },
        ...(rightAxes === '' ? [] : rightAxes.split('\n')).map((name) => ({
          scale: name,
          side: 1,
          label: name,
          labelSize: 16,
          labelFont: '11px system-ui, sans-serif',
          stroke: axisStroke,
          grid: { show: false },
          ticks: { stroke: gridStroke },
          size: 56,
        })),
      ],
      hooks: {
        setSelect: [() => (zoomed.current = true)],
        ready: [(u) => attachWheel(u, () => (zoomed.current = true))],
        draw: [(u) => markHistoryDrawn(u, testId, undrawnHistory)],
      },
    };
    const u = new uPlot(options, plotData, el);
    // Hide the envelope's helper series from the legend: only raw and smoothed curves are meaningful there. Series
    // of a second axis that has no points yet (the VAE's loss in a classifier run) stay out of it until they have.
    const shownAxes = new Set(rightAxes === '' ? [] : rightAxes.split('\n'));
    hideLegendRows(u, specs.map((spec) => spec.axis !== undefined && !shownAxes.has(spec.axis)));
    plot.current = u;
    u.over.addEventListener('dblclick', () => (zoomed.current = false));
    return () => {
      u.destroy();
      plot.current = null;
    };
    // plotData is applied by the effect below; recreating on every point would be wasteful.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [width, height, xMode, log, specs, testId, rightAxes]);

  useEffect(() => {
    plot.current?.setData(plotData, !zoomed.current);
  }, [plotData]);

  const resetZoom = () => {
    zoomed.current = false;
    const u = plot.current;
    if (u) u.setData(plotData, true);
  };

  const exportPng = () => {
    const u = plot.current;
    if (!u) return;
    const src = u.ctx.canvas;
    const canvas = document.createElement('canvas');
    canvas.width = src.width;
    canvas.height = src.height + 40;
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = '#1a1a1a';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.fillStyle = '#ffffff';
    ctx.font = '20px sans-serif';
    ctx.fillText(title, 12, 28);
    ctx.drawImage(src, 0, 40);
    canvas.toBlob((blob) => blob && download(`${exportName}.png`, blob), 'image/png');
  };

  const exportCsv = () => {
    const rows: (string | number | null)[][] = [];
    specs.forEach((s, i) => {
      const col = prepared.columns[i]!;
      prepared.x.forEach((step, j) => {
        if (col.last[j] === null && col.min[j] === null) return;
        rows.push([s.name, step, col.last[j] ?? null, col.min[j] ?? null, col.max[j] ?? null, prepared.smoothed[i]![j] ?? null]);
      });
    });
    download(`${exportName}.csv`, new Blob([toCsv(CSV_HEADER, rows)], { type: 'text/csv' }));
  };

  const hasData = prepared.x.length > 0;
  return (
    <Panel
      title={title}
      testId={testId}
      actions={
        <>
          <label className="flex items-center gap-1 text-xs text-[var(--text-secondary)]">
            x
            <select aria-label={`${title} x axis`} value={xMode} onChange={(e) => setXMode(e.target.value as XMode)} className="rounded border border-[var(--border)] bg-[var(--bg-primary)] px-1 py-0.5 text-xs">
              <option value="step">step</option>
              <option value="epoch">epoch</option>
              <option value="time">wall time</option>
            </select>
          </label>
          <Button small variant={log ? 'accent' : 'ghost'} aria-pressed={log} onClick={() => setLog(!log)} aria-label={`${title}: logarithmic scale`}>
            log
          </Button>
          <Button small variant="ghost" onClick={resetZoom} aria-label={`${title}: reset zoom`}>
            reset
          </Button>
          <Button small variant="ghost" onClick={exportPng} aria-label={`${title}: export PNG`}>
            PNG
          </Button>
          <Button small variant="ghost" onClick={exportCsv} aria-label={`${title}: export CSV`} data-testid={`${testId}-csv`}>
            CSV
          </Button>
        </>
      }
    >
      <label className="mb-1 flex items-center gap-2 text-xs text-[var(--text-secondary)]">
        Smoothing
        <input type="range" min={0} max={0.99} step={0.01} value={smoothing} onChange={(e) => setSmoothing(Number(e.target.value))} className="w-32 accent-[var(--accent)]" aria-label={`${title} smoothing`} />
        <span className="w-8 font-mono tabular-nums">{smoothing.toFixed(2)}</span>
      </label>
      <div ref={host} className="relative w-full" style={{ minHeight: height }} data-testid={`${testId}-plot`} data-points={prepared.x.length} data-right-axes={rightAxes}>
        {!hasData && (
          <div className="absolute inset-0 flex items-center justify-center text-xs text-[var(--text-secondary)]">
            {error ? `⚠ ${error}` : loading ? 'Loading history…' : 'No data yet'}
          </div>
        )}
      </div>
    </Panel>
  );
});

/** Batches per epoch of the viewed run: the live status says it; a stored run's config or epochs do otherwise. */
function useBatchesPerEpoch(): number | null {
  const live = useMonitoring(viewingLive);
  const liveBatches = useMonitoring((s) => s.status?.total_batches ?? s.metrics?.total_batches ?? null);
  const run = useMonitoring(viewedRun);
  const epochs = useMonitoring((s) => s.epochs);
  return useMemo(() => (live ? liveBatches : batchesPerEpochOf(run, epochs)), [live, liveBatches, run, epochs]);
}

/**
 * Marks the first draw of a run's loaded history as a performance entry (`<testId>:history-drawn`, detail: run and
 * points), so the time a series takes to open can be read in the browser (performance.getEntriesByName).
 */
function markHistoryDrawn(u: uPlot, testId: string, undrawn: { current: string | null }) {
  const runId = undrawn.current;
  const points = u.data[0]?.length ?? 0;
  if (runId === null || points === 0) return;
  undrawn.current = null;
  performance.mark(`${testId}:history-drawn`, { detail: { runId, points } });
}

function formatX(v: number | null, mode: XMode): string {
  if (v === null || v === undefined) return '—';
  if (mode === 'time') return new Date(v * 1000).toLocaleTimeString();
  if (mode === 'epoch') return v.toFixed(2);
  return String(Math.round(v));
}

// Each spec has four legend rows (max, min, raw, smoothed): the helpers always go, the smoothed one too when `hidden`.
function hideLegendRows(u: uPlot, hidden: readonly boolean[]) {
  const rows = u.root.querySelectorAll<HTMLElement>('.u-legend .u-series');
  hidden.forEach((all, i) => {
    const base = 1 + i * 4;
    for (const k of all ? [0, 1, 2, 3] : [0, 1, 2]) rows[base + k]?.style.setProperty('display', 'none');
  });
}

/** Wheel zooms the x axis around the cursor; Shift+wheel (or a horizontal wheel) pans. */
function attachWheel(u: uPlot, onZoom: () => void) {
  u.over.addEventListener(
    'wheel',
    (e) => {
      e.preventDefault();
      const min = u.scales['x']?.min;
      const max = u.scales['x']?.max;
      if (min === undefined || max === undefined || min === null || max === null) return;
      const range = max - min;
      const pan = e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY);
      if (pan) {
        const delta = (e.shiftKey ? e.deltaY : e.deltaX) > 0 ? range * 0.1 : -range * 0.1;
        u.setScale('x', { min: min + delta, max: max + delta });
      } else {
        const at = u.posToVal(e.offsetX, 'x');
        const factor = e.deltaY < 0 ? 0.8 : 1.25;
        u.setScale('x', { min: at - (at - min) * factor, max: at + (max - at) * factor });
      }
      onZoom();
    },
    { passive: false },
  );
}
