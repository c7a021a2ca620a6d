import { memo, useEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { api } from '../../api/client';
import type { ConfusionResponse } from '../../api/types';
import { cellAt, rowNormalise } from '../../lib/confusion';
import { useMonitoring } from '../../store/monitoring';
import { formatClassName } from '../../utils/formatters';
import { Button } from '../common/Button';
import { Panel } from '../common/Panel';
import { useElementWidth } from '../../hooks/useElementWidth';

const LABEL_WIDTH = 150;
const TOP_LABELS = 110;

/** Purple ramp from the background to the accent; light text on dark cells. */
function cellColor(fraction: number): string {
  const t = Math.sqrt(Math.max(0, Math.min(1, fraction))); // sqrt so small confusions stay visible
  const r = Math.round(26 + (139 - 26) * t);
  const g = Math.round(26 + (108 - 26) * t);
  const b = Math.round(26 + (240 - 26) * t);
  return `rgb(${r},${g},${b})`;
}

/** The N×N confusion matrix of one epoch, drawn on a canvas so 28×28 or more stays cheap; hover or arrows to read. */
function ConfusionMatrix() {
  const runId = useMonitoring((s) => s.status?.run_id ?? null);
  const epochCount = useMonitoring((s) => s.epochs.length);
  const epochNumbers = useMonitoring((s) => s.epochs.map((e) => e.epoch).join(','));
  const [choice, setChoice] = useState<'latest' | number>('latest');
  const [normalised, setNormalised] = useState(false);
  const [data, setData] = useState<ConfusionResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [hover, setHover] = useState<{ row: number; col: number } | null>(null);
  const host = useRef<HTMLDivElement>(null);
  const width = useElementWidth(host);
  const canvas = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    // No epoch has ended yet: there is no matrix to ask for (the server would answer 404).
    if (!runId || epochCount === 0) return;
    let cancelled = false;
    api
      .confusion(runId, choice === 'latest' ? undefined : choice)
      .then((d) => {
        if (cancelled) return;
        setData(d);
        setError(null);
      })
      .catch((e: unknown) => !cancelled && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      cancelled = true;
    };
    // "latest" follows each new epoch.
  }, [runId, choice, choice === 'latest' || epochCount === 0 ? epochCount : 0]);

  const n = data?.classes.length ?? 0;
  const labelWidth = width < 500 ? 90 : LABEL_WIDTH;
  // Cells never shrink below 16 px (readable); on a phone the panel scrolls sideways instead.
  const cell = n > 0 ? Math.max(16, Math.min(36, Math.floor((width - labelWidth) / n))) : 0;
  const fractions = useMemo(() => (data ? rowNormalise(data.confusion_matrix) : []), [data]);

  useEffect(() => {
    const c = canvas.current;
    if (!c || !data || n === 0) return;
    const dpr = window.devicePixelRatio || 1;
    const w = labelWidth + n * cell + 70; // room for the last rotated column labels
    const h = TOP_LABELS + n * cell;
    c.width = w * dpr;
    c.height = h * dpr;
    c.style.width = `${w}px`;
    c.style.height = `${h}px`;
    const ctx = c.getContext('2d')!;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const font = Math.max(9, Math.min(12, cell - 2));
    ctx.font = `${font}px system-ui, sans-serif`;
    ctx.fillStyle = '#a0a0a0';
    ctx.textBaseline = 'middle';
    const maxLabel = (text: string, room: number) => {
      let t = text;
      while (t.length > 3 && ctx.measureText(t).width > room) t = t.slice(0, -1);
      return t === text ? t : `${t.slice(0, -1)}…`;
    };
    data.classes.forEach((name, i) => {
      ctx.textAlign = 'right';
      ctx.fillText(maxLabel(formatClassName(name), labelWidth - 6), labelWidth - 4, TOP_LABELS + i * cell + cell / 2);
      ctx.save();
      ctx.translate(labelWidth + i * cell + cell / 2, TOP_LABELS - 4);
      ctx.rotate(-Math.PI / 3);
      ctx.textAlign = 'left';
      ctx.fillText(maxLabel(formatClassName(name), TOP_LABELS * 1.1), 0, 0);
      ctx.restore();
    });
    const showText = cell >= 24;
    ctx.textAlign = 'center';
    for (let r = 0; r < n; r++) {
      for (let k = 0; k < n; k++) {
        const f = fractions[r]![k]!;
        ctx.fillStyle = cellColor(f);
        ctx.fillRect(labelWidth + k * cell, TOP_LABELS + r * cell, cell - 1, cell - 1);
        if (showText) {
          const v = data.confusion_matrix[r]![k]!;
          if (v === 0) continue;
          ctx.fillStyle = f > 0.35 ? '#ffffff' : '#a0a0a0';
          ctx.font = `${Math.min(10, cell / 3)}px system-ui, sans-serif`;
          const text = normalised ? (f * 100).toFixed(0) : v >= 1000 ? `${(v / 1000).toFixed(1)}k` : String(v);
          ctx.fillText(text, labelWidth + k * cell + cell / 2, TOP_LABELS + r * cell + cell / 2);
        }
      }
    }
    if (hover) {
      ctx.strokeStyle = '#ffffff';
      ctx.lineWidth = 2;
      ctx.strokeRect(labelWidth + hover.col * cell, TOP_LABELS + hover.row * cell, cell - 1, cell - 1);
    }
  }, [data, fractions, cell, n, labelWidth, normalised, hover]);

  const onMove = (e: MouseEvent<HTMLCanvasElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    setHover(cellAt(e.clientX - rect.left, e.clientY - rect.top, labelWidth, TOP_LABELS, cell, n));
  };
  const onKey = (e: KeyboardEvent<HTMLCanvasElement>) => {
    const moves: Record<string, [number, number]> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    const m = moves[e.key];
    if (!m || n === 0) return;
    e.preventDefault();
    const at = hover ?? { row: 0, col: 0 };
    setHover({ row: Math.min(n - 1, Math.max(0, at.row + m[0])), col: Math.min(n - 1, Math.max(0, at.col + m[1])) });
  };

  const epochs = epochNumbers ? epochNumbers.split(',').map(Number) : [];
  const detail = hover && data ? { truth: data.classes[hover.row]!, predicted: data.classes[hover.col]!, count: data.confusion_matrix[hover.row]![hover.col]!, share: fractions[hover.row]![hover.col]! } : null;

  return (
    <Panel
      title={`Confusion matrix${data ? ` · epoch ${data.epoch}` : ''}`}
      testId="confusion-matrix"
      actions={
        <>
          <label className="flex items-center gap-1 text-xs text-[var(--text-secondary)]">
            Epoch
            <select
              aria-label="Confusion matrix epoch"
              value={choice}
              onChange={(e) => setChoice(e.target.value === 'latest' ? 'latest' : Number(e.target.value))}
              className="rounded border border-[var(--border)] bg-[var(--bg-primary)] px-1 py-0.5 text-xs"
            >
              <option value="latest">latest</option>
              {epochs.map((e) => (
                <option key={e} value={e}>
                  {e}
                </option>
              ))}
            </select>
          </label>
          <Button small variant={normalised ? 'accent' : 'ghost'} aria-pressed={normalised} onClick={() => setNormalised(!normalised)}>
            {normalised ? 'row %' : 'counts'}
          </Button>
        </>
      }
    >
      <div ref={host} className="relative w-full overflow-x-auto">
        {!data ? (
          <p className="py-8 text-center text-xs text-[var(--text-secondary)]">{error && runId ? 'No confusion matrix yet (no epoch finished).' : 'Waiting for the first epoch…'}</p>
        ) : (
          <canvas
            ref={canvas}
            tabIndex={0}
            role="img"
            aria-label={`Confusion matrix of ${n} classes; use the arrow keys to read cells`}
            data-testid="confusion-canvas"
            data-cell={cell}
            data-origin-x={labelWidth}
            data-origin-y={TOP_LABELS}
            onMouseMove={onMove}
            onMouseLeave={() => setHover(null)}
            onKeyDown={onKey}
          />
        )}
        {detail && (
          <div role="tooltip" data-testid="confusion-tooltip" className="pointer-events-none absolute top-1 right-1 rounded border border-[var(--border)] bg-[var(--bg-primary)]/95 px-2 py-1 text-xs shadow">
            <div>
              True: <span className="font-semibold">{formatClassName(detail.truth)}</span>
            </div>
            <div>
              Predicted: <span className="font-semibold">{formatClassName(detail.predicted)}</span>
            </div>
            <div className="font-mono">
              {detail.count.toLocaleString('en-US')} ({(detail.share * 100).toFixed(1)} % of true)
            </div>
          </div>
        )}
      </div>
    </Panel>
  );
}

export default memo(ConfusionMatrix);
