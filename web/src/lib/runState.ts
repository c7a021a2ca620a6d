import type { RunState } from '../api/types';

/** Which controls the run's state allows (mirrors the server's transitions, so a button never earns a 409). */
export function allowedActions(state: RunState | undefined) {
  const s = state ?? 'idle';
  return {
    start: s === 'idle' || s === 'stopped' || s === 'completed' || s === 'failed',
    pause: s === 'running',
    resume: s === 'paused',
    stop: s === 'running' || s === 'paused',
  };
}

/** Why Pause/Resume/Stop are not offered for a run that does not accept control (the disabled buttons' tooltip). */
export const notControllable =
  'This run does not accept control: start it with vigil_monitor (accept_control=True, the default) or with vigil train --monitor URL to pause, resume and stop it from here.';

/** Whether the live run's Pause/Resume/Stop reach it; a server too old to say is trusted to answer for itself. */
export function acceptsControl(status: { accepts_control?: boolean } | null | undefined): boolean {
  return status?.accepts_control !== false;
}

/** Colour and label of a state; the label is always shown, the colour only adds to it. */
export function stateStyle(state: RunState | undefined): { color: string; label: string } {
  switch (state) {
    case 'running':
      return { color: 'var(--success)', label: 'Running' };
    case 'paused':
      return { color: 'var(--warning)', label: 'Paused' };
    case 'stopping':
      return { color: 'var(--warning)', label: 'Stopping' };
    case 'stopped':
      return { color: 'var(--text-secondary)', label: 'Stopped' };
    case 'completed':
      return { color: 'var(--accent)', label: 'Completed' };
    case 'failed':
      return { color: 'var(--danger)', label: 'Failed' };
    default:
      return { color: 'var(--text-secondary)', label: 'Idle' };
  }
}

/** A control the trainer applies at its next batch boundary. */
export type Move = 'pause' | 'resume' | 'stop';

/** A control request and the live status it was made in. */
export interface Transition {
  action: Move;
  runId: string | null;
  from: RunState | undefined;
}

/**
 * The move still awaiting the trainer's confirmation, or null: a request is in flight until the live status leaves
 * the state it was made in, or the live run changes (so "Pausing…" is shown, not a pause the trainer has not reached).
 */
export function unconfirmedMove(transition: Transition | null, runId: string | null, state: RunState | undefined): Move | null {
  return transition && transition.runId === runId && transition.from === state ? transition.action : null;
}

/** How the state badge reads while a move awaits confirmation. */
export const moveLabels: Record<Move, string> = { pause: 'Pausing…', resume: 'Resuming…', stop: 'Stopping…' };
