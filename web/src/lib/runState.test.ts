import { describe, expect, it } from 'vitest';
import { unconfirmedMove, type Transition } from './runState';

describe('unconfirmed moves', () => {
  const pause: Transition = { action: 'pause', runId: 'r1', from: 'running' };

  it('awaits the trainer while the live status is still the one the request was made in', () => {
    expect(unconfirmedMove(pause, 'r1', 'running')).toBe('pause');
  });

  it('ends when the trainer confirms, when the live run changes, or when nothing was asked', () => {
    expect(unconfirmedMove(pause, 'r1', 'paused')).toBeNull();
    // A stop while pausing moves the state on too.
    expect(unconfirmedMove(pause, 'r1', 'stopping')).toBeNull();
    expect(unconfirmedMove(pause, 'r2', 'running')).toBeNull();
    expect(unconfirmedMove(null, 'r1', 'running')).toBeNull();
  });
});
