import { memo, useEffect, useState } from 'react';
import { api } from '../../api/client';
import { acceptsControl, allowedActions, moveLabels, notControllable, stateStyle, unconfirmedMove, type Move, type Transition } from '../../lib/runState';
import { monitoringStore, useMonitoring } from '../../store/monitoring';
import type { RunState, Status, TrainingInfo } from '../../api/types';
import { Button } from '../common/Button';
import { ConfirmDialog } from '../common/Dialog';
import { ConnectionIndicator } from './ConnectionIndicator';
import { ElapsedTimer } from './ElapsedTimer';
import { RunPicker } from './RunPicker';
import { StartForm, type StartRequest } from './StartForm';

type Pending = 'pause' | 'stop' | null;

const confirmations = {
  pause: { title: 'Pause training?', message: 'The trainer saves a checkpoint and holds at the next batch boundary.', label: 'Pause' },
  stop: { title: 'Stop training?', message: 'The run finishes its batch, saves a checkpoint and ends as stopped. It can be resumed later.', label: 'Stop' },
} as const;

/** The run picker, the live run's state, connection, elapsed time, and the live run's controls. */
export const Header = memo(function Header() {
  const status = useMonitoring((s) => s.status);
  const [pending, setPending] = useState<Pending>(null);
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [transition, setTransition] = useState<Transition | null>(null);
  // Whether this server can launch runs, and what it offers to train on (null until known: Start is not offered yet).
  const [training, setTraining] = useState<TrainingInfo | null>(null);
  const moving = unconfirmedMove(transition, status?.run_id ?? null, status?.state);
  const allowed = allowedActions(status?.state);
  // A run whose trainer does not act on commands: its controls are shown disabled, saying why (the server would refuse them).
  const controllable = acceptsControl(status);
  useEffect(() => {
    let cancelled = false;
    api
      .training()
      .then((info) => !cancelled && setTraining(info))
      .catch(() => !cancelled && setTraining({ can_start: true, state: 'idle', datasets: [] })); // an older server: let it answer
    return () => {
      cancelled = true;
    };
    // Asked again when a run ends: datasets organized meanwhile are offered too.
  }, [allowed.start]);
  const look = moving ? { color: 'var(--warning)', label: moveLabels[moving] } : stateStyle(status?.state);

  const act = async (action: 'start' | Move, body?: Record<string, unknown>) => {
    setBusy(true);
    setError(null);
    if (action !== 'start') setTransition({ action, runId: status?.run_id ?? null, from: status?.state });
    try {
      const answer = await api.control(action, body);
      if (action === 'start') {
        // A new run: shown as running at once; its first status message follows.
        const current = monitoringStore.getState();
        current.setStatus({ ...(current.status ?? emptyStatus()), state: answer.state as RunState, run_id: answer.run_id ?? current.status?.run_id ?? null, accepts_control: true });
      }
    } catch (e) {
      setTransition(null);
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <header className="sticky top-0 z-20 border-b border-[var(--border)] bg-[var(--bg-primary)] px-4 py-2">
      <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
        <div className="flex min-w-0 items-center gap-3">
          <span className="text-lg font-bold text-[var(--accent)]">Vigil</span>
          <RunPicker />
        </div>
        <span
          data-testid="run-state"
          data-state={status?.state ?? 'idle'}
          data-transition={moving ?? undefined}
          aria-live="polite"
          title={moving ? 'Requested; the trainer acts at its next batch boundary' : 'State of the live run'}
          className="rounded-full border px-2 py-0.5 text-xs font-semibold"
          style={{ color: look.color, borderColor: look.color }}
        >
          {look.label}
        </span>
        <ConnectionIndicator />
        <ElapsedTimer />
        <div className="ml-auto flex flex-wrap gap-2">
          {allowed.start && training?.can_start && (
            <Button variant="accent" disabled={busy} onClick={() => setStarting(true)}>
              Start
            </Button>
          )}
          <span className="flex flex-wrap gap-2" data-testid="run-controls" data-controllable={controllable} title={controllable ? undefined : notControllable}>
            {allowed.pause && !moving && (
              <Button disabled={busy || !controllable} onClick={() => setPending('pause')}>
                Pause
              </Button>
            )}
            {allowed.resume && !moving && (
              <Button variant="accent" disabled={busy || !controllable} onClick={() => void act('resume')}>
                Resume
              </Button>
            )}
            {allowed.stop && moving !== 'stop' && (
              <Button variant="danger" disabled={busy || !controllable} onClick={() => setPending('stop')}>
                Stop
              </Button>
            )}
          </span>
        </div>
      </div>
      {error && (
        <p role="alert" className="mt-1 text-xs text-[var(--danger)]">
          ⚠ {error}
        </p>
      )}
      {pending && (
        <ConfirmDialog
          open
          title={confirmations[pending].title}
          message={confirmations[pending].message}
          confirmLabel={confirmations[pending].label}
          danger={pending === 'stop'}
          onCancel={() => setPending(null)}
          onConfirm={() => {
            const action = pending;
            setPending(null);
            void act(action);
          }}
        />
      )}
      <StartForm
        open={starting}
        datasets={training?.datasets ?? []}
        onCancel={() => setStarting(false)}
        onSubmit={(request: StartRequest) => {
          setStarting(false);
          void act('start', { ...request });
        }}
      />
    </header>
  );
});


function emptyStatus(): Status {
  return { run_id: null, state: 'idle', epoch: null, epochs: null, batch: null, total_batches: null, global_step: null, started_at: null, elapsed_seconds: null, eta_seconds: null, message: null, updated_at: null };
}
