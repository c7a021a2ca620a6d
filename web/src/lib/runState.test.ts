import { describe, expect, it } from 'vitest';
import { acceptsControl, unconfirmedMove, type Transition } from './runState';

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

describe('runs that accept control', () => {
  it('offers the controls when the server says the run accepts them, or does not say (an older server)', () => {
    expect(acceptsControl({ accepts_control: true })).toBe(true);
    expect(acceptsControl({})).toBe(true);
    expect(acceptsControl(null)).toBe(true);
  });

  it('withholds them when the server says the run does not act on commands', () => {
    expect(acceptsControl({ accepts_control: false })).toBe(false);
  });
});
