import { memo, useEffect } from 'react';
import { api } from '../../api/client';
import { monitoringStore } from '../../store/monitoring';
import { useMonitoring } from '../../store/monitoring';
import { formatBytes } from '../../utils/formatters';
import { Sparkline } from '../Charts/Sparkline';
import { Panel } from '../common/Panel';

function Figure({ label, value, children }: { label: string; value: string; children: React.ReactNode }) {
  return (
    <div className="min-w-0 rounded border border-[var(--border)] p-2">
      <div className="flex justify-between text-xs text-[var(--text-secondary)]">
        <span>{label}</span>
        <span className="font-mono text-[var(--text-primary)] tabular-nums">{value}</span>
      </div>
      {children}
    </div>
  );
}

const pct = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${v.toFixed(1)} %`);

/** GPU usage, memory and temperature, RAM and CPU, as small live charts; a plain statement when there is no GPU. */
function GPUStats() {
  const system = useMonitoring((s) => s.system);
  const h = useMonitoring((s) => s.systemHistory);
  const gpu = system?.gpu ?? null;
  useEffect(() => {
    // `system` messages come once a second; the first figures come from REST so the panel is never blank.
    if (monitoringStore.getState().system) return;
    api
      .system()
      .then((s) => monitoringStore.getState().system === null && monitoringStore.getState().applyMessages([{ ...s, type: 'system', seq: -1 }]))
      .catch(() => undefined);
  }, []);
  return (
    <Panel title="System" testId="gpu-stats">
      {gpu ? (
        <div className="mb-2 grid grid-cols-1 gap-2 sm:grid-cols-3">
          <Figure label={`GPU ${gpu.name}`} value={pct(gpu.usage_percent)}>
            <Sparkline time={h.time} values={h.gpuUsage} color="#8b6cf0" label="GPU usage" max={100} />
          </Figure>
          <Figure label="GPU memory" value={`${formatBytes(gpu.memory_used_bytes)} / ${formatBytes(gpu.memory_total_bytes)}`}>
            <Sparkline time={h.time} values={h.gpuMemory} color="#22d3ee" label="GPU memory" max={100} />
          </Figure>
          <Figure label="GPU temperature" value={gpu.temperature_celsius === null ? '—' : `${gpu.temperature_celsius.toFixed(0)} °C`}>
            <Sparkline time={h.time} values={h.gpuTemp} color="#f472b6" label="GPU temperature" />
          </Figure>
        </div>
      ) : (
        <p data-testid="no-gpu" className="mb-2 rounded border border-dashed border-[var(--border)] p-2 text-xs text-[var(--text-secondary)]">
          <span aria-hidden="true">⊘ </span>
          <span className="font-semibold text-[var(--text-primary)]">No GPU detected</span>
          {system?.gpu_status ? ` — ${system.gpu_status}` : ''}
        </p>
      )}
      <div className="grid grid-cols-1 gap-2 sm:grid-cols-2">
        <Figure label="RAM" value={`${pct(system?.ram_percent)} · ${formatBytes(system?.ram_used_bytes)}`}>
          <Sparkline time={h.time} values={h.ram} color="#a3e635" label="RAM usage" max={100} />
        </Figure>
        <Figure label={`CPU (${system?.cpu_count ?? '—'} cores)`} value={pct(system?.cpu_percent)}>
          <Sparkline time={h.time} values={h.cpu} color="#fbbf24" label="CPU usage" max={100} />
        </Figure>
      </div>
    </Panel>
  );
}

export default memo(GPUStats);
