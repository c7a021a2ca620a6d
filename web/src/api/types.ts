// Shapes of the monitoring API (docs/monitoring-api.md). Figures the server cannot know are null; non-finite numbers
// arrive as the strings "NaN" / "Infinity" / "-Infinity", hence `Num`.
export type Num = number | 'NaN' | 'Infinity' | '-Infinity' | null;

export type RunState = 'idle' | 'running' | 'paused' | 'stopping' | 'stopped' | 'completed' | 'failed';
export type ConditionStatus = 'ok' | 'warning' | 'critical';

export interface Status {
  run_id: string | null;
  state: RunState;
  /** What a Vigil run trains now (supervised: the classifier, unsupervised: the VAE, hybrid); null for an external trainer. */
  phase?: string | null;
  epoch: number | null;
  epochs: number | null;
  batch: number | null;
  total_batches: number | null;
  global_step: number | null;
  started_at: string | null;
  elapsed_seconds: number | null;
  eta_seconds: number | null;
  message: string | null;
  updated_at: string | null;
  /**
   * Whether Pause/Resume/Stop reach this run: the run the server trains itself, or an external trainer that declared
   * it accepts control (vigil_monitor, vigil train --monitor URL). Absent from older servers.
   */
  accepts_control?: boolean;
}

export interface CriticalCondition {
  sensitivity: Num;
  threshold: number;
  status: ConditionStatus;
}

export interface MetricsUpdate {
  type: 'metrics_update';
  seq?: number;
  run_id?: string;
  epoch: number | null;
  batch: number | null;
  total_batches: number | null;
  metrics: {
    loss: { train: Num; val?: Num };
    accuracy: { train: Num; val?: Num };
    auc_roc: { macro: Num; weighted: Num };
    f1_score: Num;
    learning_rate: Num;
    critical_conditions: Record<string, CriticalCondition>;
    per_class: Record<string, Num>;
  };
  system: { gpu_usage: Num; gpu_memory: Num; gpu_temp: Num; ram_usage: Num; eta_seconds: Num };
  timestamp: string;
}

export interface GpuInfo {
  name: string;
  usage_percent: number | null;
  memory_used_bytes: number | null;
  memory_total_bytes: number | null;
  memory_percent: number | null;
  temperature_celsius: number | null;
}

export interface SystemInfo {
  timestamp: string;
  cpu_percent: number | null;
  cpu_count: number | null;
  ram_used_bytes: number | null;
  ram_total_bytes: number | null;
  ram_percent: number | null;
  process_bytes: number | null;
  gpu: GpuInfo | null;
  gpu_status: string | null;
}

export interface PerClassRecord {
  class: string;
  sensitivity: Num;
  specificity: Num;
  precision: Num;
  f1: Num;
  auroc: Num;
  support: number | null;
}

export interface EpochRecord {
  run_id?: string;
  epoch: number;
  epochs?: number | null;
  /** The phase of a multi-phase run it belongs to (supervised, unsupervised…), and its number within that phase. */
  phase?: string;
  phase_epoch?: number;
  timestamp?: string;
  train_loss?: Num;
  val_loss?: Num;
  accuracy?: Num;
  auroc_macro?: Num;
  auroc_weighted?: Num;
  f1_macro?: Num;
  learning_rate?: Num;
  elapsed_seconds?: Num;
  is_best?: boolean;
  per_class?: PerClassRecord[];
  confusion_matrix?: number[][];
  classes?: string[];
  [key: string]: unknown;
}

export interface Alert {
  id: number;
  run_id: string;
  time: string;
  condition: string;
  severity: ConditionStatus;
  sensitivity: Num;
  threshold: number;
  epoch: number | null;
  message: string;
}

export interface AlertsResponse {
  thresholds: Record<string, number>;
  warning_margin: number;
  current: Record<string, CriticalCondition>;
  alerts: Alert[];
}

export interface HistoryBucket {
  first_step: number;
  last_step: number;
  min: number | null;
  max: number | null;
  last: number | null;
  count: number;
}

export interface HistoryResponse {
  run_id: string;
  max_points: number;
  series: { series: string; total_points: number; buckets: HistoryBucket[] }[];
}

export interface Run {
  id: string;
  name: string | null;
  state: RunState;
  source: string;
  created_at: string;
  updated_at: string;
  config: Record<string, unknown> | null;
  hyperparameters: Record<string, unknown> | null;
}

export interface Hello {
  type: 'hello';
  seq: number;
  missed_some: boolean;
  status: Status;
  metrics_update: MetricsUpdate | null;
  critical_thresholds: Record<string, number>;
  warning_margin: number;
  series: Record<string, [number, Num][]>;
}

export type ServerMessage =
  | Hello
  | MetricsUpdate
  | (Status & { type: 'status'; seq: number })
  | (SystemInfo & { type: 'system'; seq: number })
  | (EpochRecord & { type: 'epoch_end'; seq: number })
  | (Alert & { type: 'alert'; seq: number });

/** An organized dataset the server offers to train on. */
export interface DatasetChoice {
  name: string;
  /** What `POST /api/training/start` takes as `dataset`. */
  path: string;
  images: number;
  classes: string[];
}

/** `GET /api/training`: whether this server can start runs, and the datasets it offers. */
export interface TrainingInfo {
  can_start: boolean;
  state: string;
  datasets: DatasetChoice[];
}

/** `GET|POST /api/session`: whether the server needs its token, and whether this browser has signed in. */
export interface SessionInfo {
  token_required: boolean;
  signed_in: boolean;
}
