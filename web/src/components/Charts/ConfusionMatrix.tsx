import { memo, useEffect, useMemo, useRef, useState, type CSSProperties, type KeyboardEvent, type MouseEvent } from 'react';
import type { EpochRecord } from '../../api/types';
import { cellAt, rowNormalise } from '../../lib/confusion';
import { matrixLayout, type MatrixLayout } from '../../lib/confusionLayout';
import { viewedRunId, useMonitoring } from '../../store/monitoring';
import { formatClassName, formatCount } from '../../utils/formatters';
import { Button } from '../common/Button';
import { Panel } from '../common/Panel';
import { useElementWidth } from '../../hooks/useElementWidth';

const LABEL_FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

/** Purple ramp from the background to the accent; light text on dark cells. */
function cellColor(fraction: number): string {
  const t = Math.sqrt(Math.max(0, Math.min(1, fraction))); // sqrt so small confusions stay visible
  const r = Math.round(26 + (139 - 26) * t);
  const g = Math.round(26 + (108 - 26) * t);
  const b = Math.round(26 + (240 - 26) * t);
  return `rgb(${r},${g},${b})`;
}

let measuringContext: CanvasRenderingContext2D | null = null;

/** Text width in px in the labels' font (one shared offscreen canvas). */
function measureLabel(text: string, fontPx: number): number {
  measuringContext ??= document.createElement('canvas').getContext('2d');
  if (!measuringContext) return text.length * fontPx * 0.6;
  measuringContext.font = `${fontPx}px ${LABEL_FONT_FAMILY}`;
  return measuringContext.measureText(text).width;
}

interface Matrix {
  epoch: number;
  classes: string[];
  counts: number[][];
}

/** An epoch record's matrix, when it carries one that matches its classes. */
function matrixOf(record: EpochRecord | undefined): Matrix | null {
  const classes = record?.classes;
  const counts = record?.confusion_matrix;
  if (!record || !classes || !counts || classes.length === 0 || counts.length !== classes.length) return null;
  return { epoch: record.epoch, classes, counts };
}

interface AxisLabelsProps {
  names: readonly string[];
  layout: MatrixLayout;
  active: number | null;
}

const labelBase: CSSProperties = { overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' };

/**
 * Predicted classes above the columns: names read bottom-to-top (cut with an ellipsis past the room), or numbers,
 * alternating between two lines when side by side they would touch.
 */
function ColumnLabels({ names, layout, active }: AxisLabelsProps) {
  const vertical = layout.mode === 'names';
  const line = layout.labelFont + 3;
  return (
    <div className="flex items-end" aria-hidden="true">
      {names.map((name, i) => (
        <span
          key={name}
          data-testid="confusion-label"
          data-axis="column"
          title={formatClassName(name)}
          className={active === i ? 'text-[var(--text-primary)]' : 'text-[var(--text-secondary)]'}
          style={{
            ...labelBase,
            flex: 'none',
            width: layout.cell,
            fontSize: layout.labelFont,
            ...(vertical
              ? // vertical-rl + a half turn: the name starts next to its column and reads upwards.
                { height: layout.columnLabelHeight - 4, lineHeight: `${layout.cell}px`, writingMode: 'vertical-rl', transform: 'rotate(180deg)' }
              : { lineHeight: `${line}px`, textAlign: 'center', overflow: 'visible', marginBottom: layout.staggered && i % 2 === 0 ? line : 0 }),
          }}
        >
          {vertical ? formatClassName(name) : i + 1}
        </span>
      ))}
    </div>
  );
}

/** True classes left of the rows, kept in view while the matrix scrolls sideways. */
function RowLabels({ names, layout, active }: AxisLabelsProps) {
  return (
    <div className="sticky left-0 z-10 bg-[var(--bg-secondary)]" aria-hidden="true">
      {names.map((name, i) => (
        <div
          key={name}
          data-testid="confusion-label"
          data-axis="row"
          title={formatClassName(name)}
          className={`pr-1.5 text-right ${active === i ? 'text-[var(--text-primary)]' : 'text-[var(--text-secondary)]'}`}
          style={{ ...labelBase, height: layout.cell, lineHeight: `${layout.cell}px`, fontSize: layout.labelFont }}
        >
          {layout.mode === 'names' ? formatClassName(name) : i + 1}
        </div>
      ))}
    </div>
  );
}

/** The numbered classes' names, under a matrix labelled with numbers. */
function NumberKey({ names }: { names: readonly string[] }) {
  return (
    <>
      <p className="mt-2 text-[11px] text-[var(--text-secondary)]">Rows: true class · columns: predicted class</p>
      <ol aria-label="Class numbers" data-testid="confusion-key" className="mt-1 grid grid-cols-[repeat(auto-fill,minmax(9.5rem,1fr))] gap-x-3 text-[11px] leading-4 text-[var(--text-secondary)]">
        {names.map((name, i) => (
          <li key={name} className="flex gap-1.5 break-words">
            <span className="w-5 flex-none text-right font-mono text-[var(--text-primary)]">{i + 1}</span>
            <span className="min-w-0">{formatClassName(name)}</span>
          </li>
        ))}
      </ol>
    </>
  );
}

interface CellDetail {
  row: number;
  col: number;
  truth: string;
  predicted: string;
  count: number;
  share: number;
}

/** The hovered cell's classes, count and share, beside the cell (on the side with room). */
function CellTooltip({ detail, layout, n }: { detail: CellDetail; layout: MatrixLayout; n: number }) {
  const gridWidth = layout.rowLabelWidth + n * layout.cell;
  const gridHeight = layout.columnLabelHeight + n * layout.cell;
  const cellLeft = layout.rowLabelWidth + detail.col * layout.cell;
  const cellTop = layout.columnLabelHeight + detail.row * layout.cell;
  const place: CSSProperties = {
    ...(detail.col < n / 2 ? { left: cellLeft + layout.cell + 4 } : { right: gridWidth - cellLeft + 4 }),
    ...(detail.row < n / 2 ? { top: cellTop } : { bottom: gridHeight - cellTop - layout.cell }),
  };
  return (
    <div role="tooltip" aria-live="polite" data-testid="confusion-tooltip" className="pointer-events-none absolute z-20 w-max max-w-60 rounded border border-[var(--border)] bg-[var(--bg-primary)]/95 px-2 py-1 text-xs shadow" style={place}>
      <div>
        True: <span className="font-semibold">{formatClassName(detail.truth)}</span>
      </div>
      <div>
        Predicted: <span className="font-semibold">{formatClassName(detail.predicted)}</span>
      </div>
      <div className="font-mono">
        {formatCount(detail.count)} ({(detail.share * 100).toFixed(1)} % of true)
      </div>
    </div>
  );
}

/** The N×N confusion matrix of one epoch, cells on one canvas so 28×28 or more stays cheap; hover or arrows to read. */
function ConfusionMatrix() {
  const runId = useMonitoring(viewedRunId);
  // Epoch records carry their matrix (pushed as epoch_end, or loaded with the run's epochs): nothing to fetch.
  const epochs = useMonitoring((s) => s.epochs);
  const [choice, setChoice] = useState<'latest' | number>('latest');
  const [normalised, setNormalised] = useState(false);
  const [hover, setHover] = useState<{ row: number; col: number } | null>(null);
  const host = useRef<HTMLDivElement>(null);
  const width = useElementWidth(host);
  const canvas = useRef<HTMLCanvasElement>(null);

  useEffect(() => setChoice('latest'), [runId]);

  const withMatrix = useMemo(() => epochs.filter((e) => matrixOf(e) !== null), [epochs]);
  const record = choice === 'latest' ? withMatrix[withMatrix.length - 1] : withMatrix.find((e) => e.epoch === choice);
  const data = useMemo(() => matrixOf(record), [record]);
  const n = data?.classes.length ?? 0;
  const layout = useMemo(() => (data && width > 0 ? matrixLayout(width, data.classes.map(formatClassName), measureLabel) : null), [data, width]);
  const cell = layout?.cell ?? 0;
  const fractions = useMemo(() => (data ? rowNormalise(data.counts) : []), [data]);

  useEffect(() => {
    const c = canvas.current;
    if (!c || !data || n === 0 || cell === 0) return;
    const dpr = window.devicePixelRatio || 1;
    const side = n * cell;
    c.width = side * dpr;
    c.height = side * dpr;
    c.style.width = `${side}px`;
    c.style.height = `${side}px`;
    const ctx = c.getContext('2d')!;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, side, side);
    const showText = cell >= 24;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.font = `${Math.min(10, cell / 3)}px ${LABEL_FONT_FAMILY}`;
    for (let r = 0; r < n; r++) {
      for (let k = 0; k < n; k++) {
        const f = fractions[r]![k]!;
        ctx.fillStyle = cellColor(f);
        ctx.fillRect(k * cell, r * cell, cell - 1, cell - 1);
        if (!showText) continue;
        const v = data.counts[r]![k]!;
        if (v === 0) continue;
        ctx.fillStyle = f > 0.35 ? '#ffffff' : '#a0a0a0';
        const text = normalised ? (f * 100).toFixed(0) : v >= 1000 ? `${(v / 1000).toFixed(1)}k` : String(v);
        ctx.fillText(text, k * cell + cell / 2, r * cell + cell / 2);
      }
    }
    if (hover) {
      ctx.strokeStyle = '#ffffff';
      ctx.lineWidth = 2;
      ctx.strokeRect(hover.col * cell, hover.row * cell, cell - 1, cell - 1);
    }
  }, [data, fractions, cell, n, normalised, hover]);

  const onMove = (e: MouseEvent<HTMLCanvasElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    setHover(cellAt(e.clientX - rect.left, e.clientY - rect.top, 0, 0, cell, n));
  };
  const onKey = (e: KeyboardEvent<HTMLCanvasElement>) => {
    const moves: Record<string, [number, number]> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    const m = moves[e.key];
    if (!m || n === 0) return;
    e.preventDefault();
    const at = hover ?? { row: 0, col: 0 };
    setHover({ row: Math.min(n - 1, Math.max(0, at.row + m[0])), col: Math.min(n - 1, Math.max(0, at.col + m[1])) });
  };

  const detail: CellDetail | null = hover && data ? { ...hover, truth: data.classes[hover.row]!, predicted: data.classes[hover.col]!, count: data.counts[hover.row]![hover.col]!, share: fractions[hover.row]![hover.col]! } : null;

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
              {withMatrix.map((e) => (
                <option key={e.epoch} value={e.epoch}>
                  {e.epoch}
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
      <div ref={host} className="relative w-full overflow-x-auto" data-testid="confusion-scroller">
        {!data || !layout ? (
          <p className="py-8 text-center text-xs text-[var(--text-secondary)]">
            {epochs.length > 0 && withMatrix.length === 0 ? 'This run’s epochs carry no confusion matrix.' : 'Waiting for the first epoch…'}
          </p>
        ) : (
          <div
            className="relative grid"
            data-testid="confusion-grid"
            data-label-mode={layout.mode}
            style={{ gridTemplateColumns: `${layout.rowLabelWidth}px ${n * cell}px`, gridTemplateRows: `${layout.columnLabelHeight}px ${n * cell}px`, width: layout.rowLabelWidth + n * cell }}
          >
            <div className="sticky left-0 z-10 flex flex-col items-end justify-end bg-[var(--bg-secondary)] pr-1.5 pb-1 text-[10px] leading-3 text-[var(--text-secondary)]">
              {/* The corner beside numbers is too small for words: the key says it instead. */}
              {layout.mode === 'names' && (
                <>
                  <span>predicted →</span>
                  <span>true ↓</span>
                </>
              )}
            </div>
            <ColumnLabels names={data.classes} layout={layout} active={hover?.col ?? null} />
            <RowLabels names={data.classes} layout={layout} active={hover?.row ?? null} />
            <canvas
              ref={canvas}
              tabIndex={0}
              role="img"
              aria-label={`Confusion matrix of ${n} classes; use the arrow keys to read cells`}
              data-testid="confusion-canvas"
              data-cell={cell}
              data-origin-x={0}
              data-origin-y={0}
              onMouseMove={onMove}
              onMouseLeave={() => setHover(null)}
              onKeyDown={onKey}
            />
            {detail && layout && <CellTooltip detail={detail} layout={layout} n={n} />}
          </div>
        )}
      </div>
      {data && layout?.mode === 'numbers' && <NumberKey names={data.classes} />}
    </Panel>
  );
}

export default memo(ConfusionMatrix);
