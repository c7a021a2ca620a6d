import { memo, useEffect, useMemo } from 'react';
import { api } from '../../api/client';
import type { ConditionStatus } from '../../api/types';
import { conditionNames, conditionsFromEpoch, sameConditions } from '../../lib/conditions';
import { monitoringStore, viewedRunId, viewingLive, useMonitoring, useMonitoringEqual, viewedHistoryVersion } from '../../store/monitoring';
import { formatClassName, formatPercent, toNumber } from '../../utils/formatters';
import { Panel } from '../common/Panel';
import { VirtualList } from '../common/VirtualList';

export const statusLook: Record<ConditionStatus, { color: string; icon: string; label: string }> = {
  ok: { color: 'var(--success)', icon: '✓', label: 'OK' },
  warning: { color: 'var(--warning)', icon: '!', label: 'Warning' },
  critical: { color: 'var(--danger)', icon: '✕', label: 'Critical' },
};

/**
 * Each critical condition's sensitivity against its threshold (live figures, or a pinned run's last epoch rated
 * against the thresholds), and the viewed run's alert history.
 */
export const CriticalAlerts = memo(function CriticalAlerts() {
  const live = useMonitoring(viewingLive);
  const liveConditions = useMonitoringEqual((s) => s.metrics?.metrics.critical_conditions, sameConditions);
  const lastEpoch = useMonitoring((s) => s.epochs.at(-1));
  const thresholds = useMonitoring((s) => s.thresholds);
  const warningMargin = useMonitoring((s) => s.warningMargin);
  const alerts = useMonitoring((s) => s.alerts);
  const runId = useMonitoring(viewedRunId);
  const historyVersion = useMonitoring(viewedHistoryVersion);
  const conditions = useMemo(
    () => (live ? liveConditions : conditionsFromEpoch(lastEpoch, thresholds, warningMargin)),
    [live, liveConditions, lastEpoch, thresholds, warningMargin],
  );

  useEffect(() => {
    if (!runId) return;
    let cancelled = false;
    api
      .alerts(runId)
      .then((a) => !cancelled && monitoringStore.getState().setAlerts(runId, a.alerts))
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [runId, historyVersion]);

  const names = conditionNames(thresholds, live ? conditions : undefined);
  return (
    <Panel title="Critical conditions" testId="critical-alerts">
      <ul className="mb-3 space-y-2" aria-label="Critical conditions">
        {names.length === 0 && <li className="text-xs text-[var(--text-secondary)]">No critical conditions configured.</li>}
        {names.map((name) => {
          const c = conditions?.[name];
          const threshold = c?.threshold ?? thresholds[name] ?? 0;
          const sensitivity = toNumber(c?.sensitivity);
          const look = c ? statusLook[c.status] : null;
          return (
            <li key={name} data-testid={`condition-${name}`} data-status={c?.status ?? 'unknown'} className="rounded border border-[var(--border)] px-2 py-1.5">
              <div className="flex items-center justify-between gap-2 text-sm">
                <span className="truncate font-medium">{formatClassName(name)}</span>
                <span className="flex items-center gap-1 text-xs font-semibold" style={{ color: look?.color ?? 'var(--text-secondary)' }}>
                  <span aria-hidden="true">{look?.icon ?? '?'}</span>
                  {look?.label ?? 'No data'}
                </span>
              </div>
              <div className="mt-1 flex items-center gap-2 text-xs text-[var(--text-secondary)]">
                <div className="relative h-1.5 flex-1 rounded bg-[#262626]" aria-hidden="true">
                  <div className="absolute h-full rounded" style={{ width: `${Math.max(0, Math.min(1, sensitivity ?? 0)) * 100}%`, background: look?.color ?? 'transparent' }} />
                  <div className="absolute -top-0.5 h-2.5 w-0.5 bg-white" style={{ left: `${threshold * 100}%` }} title="threshold" />
                </div>
                <span className="font-mono tabular-nums">
                  {formatPercent(c?.sensitivity)} / ≥ {formatPercent(threshold)}
                </span>
              </div>
            </li>
          );
        })}
      </ul>
      <h3 className="mb-1 text-xs font-semibold text-[var(--text-secondary)]">Alert history ({alerts.length})</h3>
      {alerts.length === 0 ? (
        <p className="text-xs text-[var(--text-secondary)]">No alerts.</p>
      ) : (
        <VirtualList
          items={alerts}
          rowHeight={40}
          height={160}
          label="Alert history"
          render={(a) => (
            <div className="flex h-full items-start gap-2 border-b border-[var(--border)] py-1 text-xs" title={a.message}>
              <span className="font-bold" style={{ color: statusLook[a.severity]?.color }} aria-label={a.severity}>
                {statusLook[a.severity]?.icon}
              </span>
              <div className="min-w-0">
                <div className="truncate">
                  <span className="font-medium">{formatClassName(a.condition)}</span> {a.severity} · epoch {a.epoch ?? '—'}
                </div>
                <div className="truncate text-[var(--text-secondary)]">
                  {new Date(a.time).toLocaleTimeString()} · {formatPercent(a.sensitivity)} &lt; {formatPercent(a.threshold)}
                </div>
              </div>
            </div>
          )}
        />
      )}
    </Panel>
  );
});
