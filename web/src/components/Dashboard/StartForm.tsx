import { useState, type FormEvent } from 'react';
import type { DatasetChoice } from '../../api/types';
import { formatCount } from '../../utils/formatters';
import { Dialog } from '../common/Dialog';

export interface StartRequest {
  dataset: string;
  phase: string;
  epochs: number;
}

interface StartFormProps {
  open: boolean;
  /** Organized datasets the server offers: the only ones it trains on. */
  datasets: readonly DatasetChoice[];
  onCancel: () => void;
  onSubmit: (request: StartRequest) => void;
}

const inputClass = 'w-full rounded border border-[var(--border)] bg-[var(--bg-primary)] px-2 py-1 text-sm';

/** Start a training run: dataset folder, phase and epochs, the fields `POST /api/training/start` needs most. */
export function StartForm({ open, datasets, onCancel, onSubmit }: StartFormProps) {
  const [dataset, setDataset] = useState('');
  const [phase, setPhase] = useState('supervised');
  const [epochs, setEpochs] = useState(20);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit({ dataset: dataset.trim(), phase, epochs });
  };
  return (
    <Dialog open={open} title="Start a training run" onClose={onCancel}>
      <form onSubmit={submit} className="space-y-3 text-sm">
        <label className="block">
          <span className="mb-1 block text-[var(--text-secondary)]">Dataset folder</span>
          <input
            className={inputClass}
            value={dataset}
            onChange={(e) => setDataset(e.target.value)}
            placeholder={datasets[0]?.path ?? 'datasets/anomaly_detection/brain_mri'}
            list="vigil-datasets"
          />
          <datalist id="vigil-datasets" data-testid="dataset-choices">
            {datasets.map((d) => (
              <option key={d.path} value={d.path} label={`${d.name} · ${formatCount(d.images)} images · ${d.classes.length} classes`} />
            ))}
          </datalist>
          <span className="mt-1 block text-xs text-[var(--text-secondary)]">
            {datasets.length > 0
              ? `${datasets.length} organized dataset${datasets.length === 1 ? '' : 's'} on the server: ${datasets.map((d) => d.name).join(', ')}`
              : 'None yet: the server trains only on datasets organized into its datasets folder (vigil organize writes them)'}
          </span>
        </label>
        <label className="block">
          <span className="mb-1 block text-[var(--text-secondary)]">Phase</span>
          <select className={inputClass} value={phase} onChange={(e) => setPhase(e.target.value)}>
            <option value="supervised">supervised</option>
            <option value="unsupervised">unsupervised</option>
            <option value="hybrid">hybrid</option>
            <option value="all">all</option>
          </select>
        </label>
        <label className="block">
          <span className="mb-1 block text-[var(--text-secondary)]">Epochs</span>
          <input className={inputClass} type="number" min={1} max={10000} value={epochs} onChange={(e) => setEpochs(Math.max(1, Number(e.target.value) || 1))} />
        </label>
        <div className="flex justify-end gap-2 pt-1">
          <button type="button" onClick={onCancel} className="rounded border border-[var(--border)] px-3 py-1.5 hover:bg-[#262626]">
            Cancel
          </button>
          <button type="submit" className="rounded bg-[var(--accent)] px-3 py-1.5 font-medium text-white">
            Start
          </button>
        </div>
      </form>
    </Dialog>
  );
}
