import { memo, useEffect, useState } from 'react';
import { api } from '../../api/client';
import type { EpochRecord } from '../../api/types';
import { monitoringStore, storedRunId, useMonitoring, viewedHistoryVersion } from '../../store/monitoring';
import { formatClassName, formatDuration, formatLearningRate, formatNumber, formatPercent, formatPhase, toNumber } from '../../utils/formatters';
import { Panel } from '../common/Panel';
import { VirtualList } from '../common/VirtualList';

const summary: [string, keyof EpochRecord, (v: never) => string][] = [
  ['Train loss', 'train_loss', (v) => formatNumber(v)],
  ['Val loss', 'val_loss', (v) => formatNumber(v)],
  ['Accuracy', 'accuracy', (v) => formatPercent(v, 2)],
  ['AUC macro', 'auroc_macro', (v) => formatNumber(v)],
  ['AUC weighted', 'auroc_weighted', (v) => formatNumber(v)],
  ['F1 macro', 'f1_macro', (v) => formatNumber(v)],
  ['Learning rate', 'learning_rate', (v) => formatLearningRate(v)],
];

function Details({ epoch }: { epoch: EpochRecord }) {
  return (
    <div data-testid="epoch-details" className="mt-2 rounded border border-[var(--border)] p-2 text-xs">
      <div className="mb-2 grid grid-cols-2 gap-x-4 gap-y-1 sm:grid-cols-4">
        {summary.map(([label, key, fmt]) => (
          <div key={label} className="flex justify-between gap-2">
            <span className="text-[var(--text-secondary)]">{label}</span>
            <span className="font-mono tabular-nums">{fmt(epoch[key] as never)}</span>
          </div>
        ))}
        <div className="flex justify-between gap-2">
          <span className="text-[var(--text-secondary)]">Elapsed</span>
          <span className="font-mono">{formatDuration(toNumber(epoch.elapsed_seconds as never))}</span>
        </div>
      </div>
      {epoch.per_class && epoch.per_class.length > 0 && (
        <div className="max-h-64 overflow-auto">
          <table className="w-full text-left">
            <caption className="sr-only">Per-class metrics of epoch {epoch.epoch}</caption>
            <thead className="sticky top-0 bg-[var(--bg-secondary)] text-[var(--text-secondary)]">
              <tr>
                {['Class', 'Sens.', 'Spec.', 'Prec.', 'F1', 'AUC', 'n'].map((h) => (
                  <th key={h} scope="col" className="px-1 py-0.5 font-medium">
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="font-mono tabular-nums">
              {epoch.per_class.map((c) => (
                <tr key={c.class} className="border-t border-[var(--border)]">
                  <td className="truncate px-1 py-0.5 font-sans">{formatClassName(c.class)}</td>
                  <td className="px-1">{formatNumber(c.sensitivity, 3)}</td>
                  <td className="px-1">{formatNumber(c.specificity, 3)}</td>
                  <td className="px-1">{formatNumber(c.precision, 3)}</td>
                  <td className="px-1">{formatNumber(c.f1, 3)}</td>
                  <td className="px-1">{formatNumber(c.auroc, 3)}</td>
                  <td className="px-1">{c.support ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

/** Which phase of a multi-phase run an epoch belongs to, and its number there ("VAE 1"); nothing when unknown. */
function PhaseTag({ epoch }: { epoch: EpochRecord }) {
  const phase = formatPhase(epoch.phase);
  if (!phase) return null;
  return (
    <span data-testid="epoch-phase" className="shrink-0 rounded bg-[#262626] px-1 text-[var(--text-secondary)]" title={`epoch ${epoch.phase_epoch ?? '?'} of this phase`}>
      {phase} {epoch.phase_epoch ?? ''}
    </span>
  );
}

/** The viewed run's epochs as a timeline; choosing one shows all its metrics. */
function EpochDetails() {
  // Asked for only once the run is stored: /api/runs/{id}/epochs answers 404 before (a live run is announced first).
  const runId = useMonitoring(storedRunId);
  const historyVersion = useMonitoring(viewedHistoryVersion);
  const epochs = useMonitoring((s) => s.epochs);
  const [selected, setSelected] = useState<number | null>(null);

  useEffect(() => {
    if (!runId) return;
    let cancelled = false;
    api
      .epochs(runId)
      .then((r) => !cancelled && monitoringStore.getState().setEpochs(runId, r.epochs))
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [runId, historyVersion]);

  const newestFirst = [...epochs].reverse();
  // A classifier-then-VAE run numbers its epochs run-wide: each row then says which phase it was.
  const multiPhase = new Set(epochs.map((e) => e.phase)).size > 1;
  const chosen = epochs.find((e) => e.epoch === selected) ?? null;
  return (
    <Panel title={`Epochs (${epochs.length})`} testId="epoch-details-panel">
      {epochs.length === 0 ? (
        <p className="text-xs text-[var(--text-secondary)]">No epoch has finished yet.</p>
      ) : (
        <VirtualList
          items={newestFirst}
          rowHeight={32}
          height={192}
          label="Epoch timeline"
          render={(e) => (
            <button
              type="button"
              aria-expanded={selected === e.epoch}
              onClick={() => setSelected(selected === e.epoch ? null : e.epoch)}
              className={`flex h-full w-full items-center gap-3 border-b border-[var(--border)] px-2 text-left text-xs hover:bg-[#262626] ${selected === e.epoch ? 'bg-[#262626]' : ''}`}
            >
              <span className="w-20 shrink-0 whitespace-nowrap font-semibold">Epoch {e.epoch}</span>
              {multiPhase && <PhaseTag epoch={e} />}
              <span className="font-mono text-[var(--text-secondary)]">val {formatNumber(e.val_loss, 3)}</span>
              <span className="font-mono text-[var(--text-secondary)]">AUC {formatNumber(e.auroc_macro, 3)}</span>
              <span className="hidden font-mono text-[var(--text-secondary)] sm:inline">acc {formatPercent(e.accuracy)}</span>
              {e.is_best && <span className="ml-auto text-[var(--success)]">★ best</span>}
            </button>
          )}
        />
      )}
      {chosen && <Details epoch={chosen} />}
    </Panel>
  );
}

export default memo(EpochDetails);
