import { describe, expect, it } from 'vitest';
import type { PerClassRecord } from '../api/types';
import { conditionNames, conditionsFromEpoch, sameConditions } from './conditions';

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

describe('sameConditions', () => {
  const a = { RAO: { sensitivity: 0.98, threshold: 0.99, status: 'warning' as const }, RVO: { sensitivity: 'NaN' as const, threshold: 0.95, status: 'critical' as const } };
  it('is true for equal figures in new objects, NaN included', () => {
    expect(sameConditions(a, JSON.parse(JSON.stringify(a)))).toBe(true);
  });
  it('tells a changed sensitivity, status, threshold or class set', () => {
    expect(sameConditions(a, { ...a, RAO: { ...a.RAO, sensitivity: 0.981 } })).toBe(false);
    expect(sameConditions(a, { ...a, RAO: { ...a.RAO, status: 'ok' } })).toBe(false);
    expect(sameConditions(a, { ...a, RVO: { ...a.RVO, threshold: 0.9 } })).toBe(false);
    expect(sameConditions(a, { RAO: a.RAO })).toBe(false);
    expect(sameConditions(a, undefined)).toBe(false);
    expect(sameConditions(undefined, undefined)).toBe(true);
  });
});

describe('condition names', () => {
  it('lists the configured thresholds even before a live update reports any condition', () => {
    expect(conditionNames({ RAO: 0.99, RVO: 0.97 }, {})).toEqual(['RAO', 'RVO']);
    expect(conditionNames({ RAO: 0.99 }, undefined)).toEqual(['RAO']);
  });

  it('adds the conditions a live sender reports beyond them, once each', () => {
    const reported = { RVO: { sensitivity: 0.9, threshold: 0.97, status: 'critical' as const }, RAO: { sensitivity: 0.99, threshold: 0.99, status: 'ok' as const } };
    expect(conditionNames({ RAO: 0.99 }, reported)).toEqual(['RAO', 'RVO']);
  });
});
