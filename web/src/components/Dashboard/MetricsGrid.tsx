import { memo, useMemo } from 'react';
import { shallow } from 'zustand/vanilla/shallow';
import type { Num } from '../../api/types';
import { useStoreDom, writeText } from '../../hooks/useStoreDom';
import { memoHeadlinePair, type Headline, type HeadlineSource } from '../../lib/headline';
import { useMonitoring, viewingLive, type MonitoringState } from '../../store/monitoring';
import { OWN_LAYER } from '../common/Panel';
import { formatLearningRate, formatNumber, formatPercent, trendOf, type Trend } from '../../utils/formatters';

interface Card {
  key: keyof Headline;
  testId: string;
  label: string;
  format: (v: Num | undefined) => string;
  /** Whether a rising value is good (accuracy) or bad (loss); learning rate is neither. */
  better: 'up' | 'down' | 'none';
}

const pct = (v: Num | undefined) => formatPercent(v, 2);
const num = (v: Num | undefined) => formatNumber(v);

const CARDS: readonly Card[] = [
  { key: 'lossTrain', testId: 'loss-train', label: 'Loss (train)', format: num, better: 'down' },
  { key: 'lossVal', testId: 'loss-val', label: 'Loss (val)', format: num, better: 'down' },
  { key: 'accuracy', testId: 'accuracy', label: 'Accuracy (val)', format: pct, better: 'up' },
  { key: 'aucMacro', testId: 'auc-macro', label: 'AUC-ROC macro', format: num, better: 'up' },
  { key: 'aucWeighted', testId: 'auc-weighted', label: 'AUC-ROC weighted', format: num, better: 'up' },
  { key: 'f1', testId: 'f1', label: 'F1 (macro)', format: num, better: 'up' },
  { key: 'learningRate', testId: 'lr', label: 'Learning rate', format: formatLearningRate, better: 'none' },
];

const trendGlyph: Record<Trend, string> = { up: '▲', down: '▼', flat: '▬', unknown: '' };

function trendColor(trend: Trend, better: Card['better']): string {
  if (trend === 'flat' || trend === 'unknown' || better === 'none') return 'var(--text-secondary)';
  return trend === better ? 'var(--success)' : 'var(--danger)';
}

type ReadPair = ReturnType<typeof memoHeadlinePair>;

const sourceOf = (s: MonitoringState): HeadlineSource => ({ live: viewingLive(s), metrics: s.metrics, previousMetrics: s.previousMetrics, epochs: s.epochs });

interface Shown {
  text: string;
  trend: Trend;
}

/** One figure and its direction; its line is written from the store on each update, not re-rendered. */
function MetricCard({ card, read, label }: { card: Card; read: ReadPair; label: string }) {
  const line = useStoreDom<HTMLDivElement, Shown>(
    (s) => {
      const [now, before] = read(sourceOf(s));
      const value = now?.[card.key];
      return { text: card.format(value), trend: trendOf(before?.[card.key], value) };
    },
    (element, shown) => {
      const [value, trend] = element.children as HTMLCollectionOf<HTMLElement>;
      writeText(value!, shown.text);
      if (trend!.dataset.trend === shown.trend) return;
      trend!.dataset.trend = shown.trend;
      trend!.hidden = shown.trend === 'unknown';
      writeText(trend!, trendGlyph[shown.trend]);
      trend!.style.color = trendColor(shown.trend, card.better);
      trend!.setAttribute('aria-label', `trend ${shown.trend}`);
    },
    [card, read],
    shallow,
  );
  return (
    <div data-testid={`metric-${card.testId}`} className="min-w-0 rounded-lg border border-[var(--border)] bg-[var(--bg-secondary)] px-3 py-2">
      <div className="truncate text-xs text-[var(--text-secondary)]" title={label}>
        {label}
      </div>
      {/* A fixed-height line that contains its own layout: a new value relays out this line, not the page. */}
      <div ref={line} className="flex h-7 items-baseline gap-2 [contain:strict]">
        <span className="font-mono text-lg tabular-nums" data-testid="metric-value" />
        <span className="text-xs" hidden />
      </div>
    </div>
  );
}

/**
 * The headline figures with their direction: the live run's since its previous update, or a pinned run's last epoch
 * against the one before. The grid renders once; its figures follow the store directly (ten updates a second).
 */
export const MetricsGrid = memo(function MetricsGrid() {
  const read = useMemo(memoHeadlinePair, []);
  // While a run trains its VAE, the AUROC it reports is the VAE's normal-vs-anomalous one, not a classifier's macro.
  const vae = useMonitoring((s) => (viewingLive(s) ? s.status?.phase : s.epochs.at(-1)?.phase) === 'unsupervised');
  return (
    <section aria-label="Key metrics" className={`grid grid-cols-2 gap-2 sm:grid-cols-4 xl:grid-cols-7 ${OWN_LAYER}`} data-testid="metrics-grid">
      {CARDS.map((card) => (
        <MetricCard key={card.key} card={card} read={read} label={vae && card.key === 'aucMacro' ? 'AUROC (VAE, anomaly)' : card.label} />
      ))}
    </section>
  );
});
