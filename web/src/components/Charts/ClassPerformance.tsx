import { memo, useMemo, useState } from 'react';
import type { PerClassRecord } from '../../api/types';
import { groupClasses } from '../../lib/classGroups';
import { viewingLive, useMonitoring } from '../../store/monitoring';
import { formatClassName, formatNumber, toNumber } from '../../utils/formatters';
import { Panel } from '../common/Panel';
import { VirtualList } from '../common/VirtualList';

type SortKey = 'name' | 'sensitivity' | 'f1';

type Row = { kind: 'group'; name: string; count: number } | { kind: 'class'; record: PerClassRecord; critical: boolean; threshold: number | null };

function sortValue(r: PerClassRecord, key: SortKey): number | string {
  if (key === 'name') return r.class.toLowerCase();
  const v = toNumber(key === 'f1' ? r.f1 : r.sensitivity);
  return v === null || Number.isNaN(v) ? -1 : v;
}

function Bar({ value, color }: { value: number | null; color: string }) {
  return (
    <div className="h-1.5 w-full rounded bg-[#262626]" aria-hidden="true">
      <div className="h-full rounded" style={{ width: `${Math.max(0, Math.min(1, value ?? 0)) * 100}%`, background: color }} />
    </div>
  );
}

/**
 * Every class's sensitivity and F1 from the latest epoch that has per-class results (a VAE epoch has none: the
 * classifier's last one stays on show), grouped by modality, sortable; critical classes marked.
 */
function ClassPerformance() {
  const epochs = useMonitoring((s) => s.epochs);
  const thresholds = useMonitoring((s) => s.thresholds);
  // Before the first epoch, the live run's sensitivities stand in (not for a pinned run: they are another run's). Once an
  // epoch exists the selector stays undefined, so the 10-a-second metrics updates no longer re-render the table.
  const live = useMonitoring((s) => (s.epochs.length === 0 && viewingLive(s) ? s.metrics?.metrics.per_class : undefined));
  const [sort, setSort] = useState<SortKey>('name');
  const [descending, setDescending] = useState(false);
  const latest = useMemo(() => {
    for (let i = epochs.length - 1; i >= 0; i--) if ((epochs[i]!.per_class?.length ?? 0) > 0) return epochs[i]!;
    return null;
  }, [epochs]);

  const rows = useMemo<Row[]>(() => {
    // Per-class records of the latest epoch; before the first, the live sensitivities alone.
    const records: PerClassRecord[] =
      latest?.per_class ??
      Object.entries(live ?? {}).map(([name, s]) => ({ class: name, sensitivity: s, specificity: null, precision: null, f1: null, auroc: null, support: null }));
    const byName = new Map(records.map((r) => [r.class, r]));
    const normal = typeof latest?.['normal_class'] === 'string' ? (latest['normal_class'] as string) : null;
    const groups = groupClasses(
      records.map((r) => r.class),
      null,
      normal,
    );
    const out: Row[] = [];
    for (const [group, names] of groups) {
      const members = names.map((n) => byName.get(n)!);
      members.sort((a, b) => {
        const x = sortValue(a, sort);
        const y = sortValue(b, sort);
        const c = x < y ? -1 : x > y ? 1 : 0;
        return descending ? -c : c;
      });
      out.push({ kind: 'group', name: group, count: members.length });
      for (const r of members) out.push({ kind: 'class', record: r, critical: r.class in thresholds, threshold: thresholds[r.class] ?? null });
    }
    return out;
  }, [latest, live, thresholds, sort, descending]);

  const header = (key: SortKey, label: string, className: string) => (
    <button
      type="button"
      onClick={() => {
        if (sort === key) setDescending(!descending);
        else {
          setSort(key);
          setDescending(key !== 'name');
        }
      }}
      aria-label={`Sort by ${label}`}
      aria-pressed={sort === key}
      className={`text-left font-medium hover:text-white ${className} ${sort === key ? 'text-white' : ''}`}
    >
      {label} {sort === key ? (descending ? '↓' : '↑') : ''}
    </button>
  );

  return (
    <Panel title={`Class performance${latest ? ` · epoch ${latest.epoch}` : ''}`} testId="class-performance" className="flex h-full flex-col">
      <div className="mb-1 grid grid-cols-[minmax(0,1fr)_5rem_5rem] gap-2 px-1 text-xs text-[var(--text-secondary)]">
        {header('name', 'Class', '')}
        {header('sensitivity', 'Sensitivity', '')}
        {header('f1', 'F1', '')}
      </div>
      {rows.length === 0 ? (
        <p className="text-xs text-[var(--text-secondary)]">No per-class results yet.</p>
      ) : (
        <VirtualList
          items={rows}
          rowHeight={30}
          height={330}
          fill
          label="Classes"
          render={(row) =>
            row.kind === 'group' ? (
              <div className="flex h-full items-end border-b border-[var(--border)] px-1 pb-1 text-xs font-semibold tracking-wide text-[var(--accent)] uppercase">
                {row.name} ({row.count})
              </div>
            ) : (
              <ClassRow row={row} />
            )
          }
        />
      )}
    </Panel>
  );
}

function ClassRow({ row }: { row: Extract<Row, { kind: 'class' }> }) {
  const s = toNumber(row.record.sensitivity);
  const f1 = toNumber(row.record.f1);
  const below = row.threshold !== null && s !== null && s < row.threshold;
  const color = row.critical ? (below ? 'var(--danger)' : 'var(--success)') : 'var(--accent)';
  return (
    <div className="grid h-full grid-cols-[minmax(0,1fr)_5rem_5rem] items-center gap-2 px-1 text-xs" data-testid="class-row">
      <span className="truncate" title={row.record.class}>
        {row.critical && (
          <span className="mr-1 font-bold text-[var(--danger)]" title={`critical: sensitivity ≥ ${row.threshold}`} aria-label="critical class">
            ⚑
          </span>
        )}
        {formatClassName(row.record.class)}
      </span>
      <div>
        <span className="font-mono tabular-nums">{formatNumber(row.record.sensitivity, 3)}</span>
        <Bar value={s} color={color} />
      </div>
      <div>
        <span className="font-mono tabular-nums">{formatNumber(row.record.f1, 3)}</span>
        <Bar value={f1} color="var(--accent)" />
      </div>
    </div>
  );
}

export default memo(ClassPerformance);
