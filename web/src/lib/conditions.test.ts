import { describe, expect, it } from 'vitest';
import type { PerClassRecord } from '../api/types';
import { conditionsFromEpoch } from './conditions';

const cls = (name: string, sensitivity: PerClassRecord['sensitivity']): PerClassRecord => ({
  class: name, sensitivity, specificity: null, precision: null, f1: null, auroc: null, support: 10,
});

describe('conditions from an epoch', () => {
  it('rates each threshold class as the server does: ok, warning within the margin, critical below', () => {
    const epoch = { epoch: 3, per_class: [cls('RAO', 0.995), cls('RVO', 0.96), cls('RD', 0.9), cls('Other', 0.1)] };
    const c = conditionsFromEpoch(epoch, { RAO: 0.99, RVO: 0.97, RD: 0.99 }, 0.02);
    expect(c['RAO']).toEqual({ sensitivity: 0.995, threshold: 0.99, status: 'ok' });
    expect(c['RVO']?.status).toBe('warning');
    expect(c['RD']?.status).toBe('critical');
    expect(c['Other']).toBeUndefined();
  });

  it('leaves out a class without a finite sensitivity, and an epoch without per-class results', () => {
    expect(conditionsFromEpoch({ epoch: 1, per_class: [cls('RAO', null), cls('RVO', 'NaN')] }, { RAO: 0.99, RVO: 0.97 }, 0.02)).toEqual({});
    expect(conditionsFromEpoch(undefined, { RAO: 0.99 }, 0.02)).toEqual({});
  });
});
