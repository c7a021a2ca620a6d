import { useMonitoring, type ConnectionState } from '../../store/monitoring';

const looks: Record<ConnectionState, { color: string; label: string; shape: string }> = {
  live: { color: 'var(--success)', label: 'Live', shape: '●' },
  connecting: { color: 'var(--warning)', label: 'Connecting', shape: '◐' },
  reconnecting: { color: 'var(--warning)', label: 'Reconnecting', shape: '◐' },
  offline: { color: 'var(--danger)', label: 'Offline', shape: '○' },
};

/** The WebSocket's state, as a word and a shape (colour is never the only cue). */
export function ConnectionIndicator() {
  const connection = useMonitoring((s) => s.connection);
  const look = looks[connection];
  return (
    <span role="status" aria-live="polite" data-testid="connection" data-state={connection} className="flex items-center gap-1 text-xs" style={{ color: look.color }}>
      <span aria-hidden="true">{look.shape}</span>
      {look.label}
    </span>
  );
}
