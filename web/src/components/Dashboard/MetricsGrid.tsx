import { memo, useMemo } from 'react';
import type { Num } from '../../api/types';
import { headlineFromEpoch, headlineFromMetrics } from '../../lib/headline';
import { viewingLive, useMonitoring } from '../../store/monitoring';
import { OWN_LAYER } from '../common/Panel';
import { formatLearningRate, formatNumber, formatPercent, trendOf, type Trend } from '../../utils/formatters';

interface Card {
  key: string;
  label: string;
  value: Num | undefined;
  previous: Num | undefined;
  format: (v: Num | undefined) => string;
  /** Whether a rising value is good (accuracy) or bad (loss); learning rate is neither. */
  better: 'up' | 'down' | 'none';
}

const trendGlyph: Record<Trend, string> = { up: '▲', down: '▼', flat: '▬', unknown: '' };

function trendColor(trend: Trend, better: Card['better']): string {
  if (trend === 'flat' || trend === 'unknown' || better === 'none') return 'var(--text-secondary)';
  return trend === better ? 'var(--success)' : 'var(--danger)';
}

/**
 * The headline figures with their direction: the live run's since its previous update, or a pinned run's last epoch
 * against the one before.
 */
export const MetricsGrid = memo(function MetricsGrid() {
  const live = useMonitoring(viewingLive);
  const metrics = useMonitoring((s) => s.metrics);
  const previousMetrics = useMonitoring((s) => s.previousMetrics);
  const epochs = useMonitoring((s) => s.epochs);
  const [m, p] = useMemo(
    () => (live ? [headlineFromMetrics(metrics), headlineFromMetrics(previousMetrics)] : [headlineFromEpoch(epochs.at(-1)), headlineFromEpoch(epochs.at(-2))]),
    [live, metrics, previousMetrics, epochs],
  );
  const pct = (v: Num | undefined) => formatPercent(v, 2);
  const cards: Card[] = [
    { key: 'loss-train', label: 'Loss (train)', value: m?.lossTrain, previous: p?.lossTrain, format: (v) => formatNumber(v), better: 'down' },
    { key: 'loss-val', label: 'Loss (val)', value: m?.lossVal, previous: p?.lossVal, format: (v) => formatNumber(v), better: 'down' },
    { key: 'accuracy', label: 'Accuracy (val)', value: m?.accuracy, previous: p?.accuracy, format: pct, better: 'up' },
    { key: 'auc-macro', label: 'AUC-ROC macro', value: m?.aucMacro, previous: p?.aucMacro, format: (v) => formatNumber(v), better: 'up' },
    { key: 'auc-weighted', label: 'AUC-ROC weighted', value: m?.aucWeighted, previous: p?.aucWeighted, format: (v) => formatNumber(v), better: 'up' },
    { key: 'f1', label: 'F1 (macro)', value: m?.f1, previous: p?.f1, format: (v) => formatNumber(v), better: 'up' },
    { key: 'lr', label: 'Learning rate', value: m?.learningRate, previous: p?.learningRate, format: formatLearningRate, better: 'none' },
  ];
  return (
    <section aria-label="Key metrics" className={`grid grid-cols-2 gap-2 sm:grid-cols-4 xl:grid-cols-7 ${OWN_LAYER}`} data-testid="metrics-grid">
      {cards.map((c) => {
        const trend = trendOf(c.previous, c.value);
        return (
          <div key={c.key} data-testid={`metric-${c.key}`} className="min-w-0 rounded-lg border border-[var(--border)] bg-[var(--bg-secondary)] px-3 py-2">
            <div className="truncate text-xs text-[var(--text-secondary)]">{c.label}</div>
            {/* A fixed-height line that contains its own layout: a new value relays out this line, not the page. */}
            <div className="flex h-7 items-baseline gap-2 [contain:strict]">
              <span className="font-mono text-lg tabular-nums" data-testid="metric-value">
                {c.format(c.value)}
              </span>
              {trend !== 'unknown' && (
                <span className="text-xs" style={{ color: trendColor(trend, c.better) }} aria-label={`trend ${trend}`}>
                  {trendGlyph[trend]}
                </span>
              )}
            </div>
          </div>
        );
      })}
    </section>
  );
});
