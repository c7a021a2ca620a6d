import { describe, expect, it } from 'vitest';
import { groupClasses } from './classGroups';
import { allowedActions } from './runState';
import { cellAt, rowNormalise } from './confusion';

describe('class groups', () => {
  it('groups RETFound classes into fundus and OCT', () => {
    const g = groupClasses(['Normal_Fundus', 'DR_Mild', 'RAO', 'OCT_Normal', 'OCT_CNV'], null, 'Normal_Fundus');
    expect(g.get('Fundus')).toEqual(['Normal_Fundus', 'DR_Mild', 'RAO']);
    expect(g.get('OCT')).toEqual(['OCT_Normal', 'OCT_CNV']);
  });

  it('lets an explicit map win and puts unknowns in Other', () => {
    const g = groupClasses(['a', 'b'], { a: 'CT' }, null);
    expect(g.get('CT')).toEqual(['a']);
    expect(g.get('Other')).toEqual(['b']);
  });
});

describe('run state controls', () => {
  it('offers only the transitions the server allows', () => {
    expect(allowedActions('running')).toEqual({ start: false, pause: true, resume: false, stop: true });
    expect(allowedActions('paused')).toEqual({ start: false, pause: false, resume: true, stop: true });
    expect(allowedActions('completed')).toEqual({ start: true, pause: false, resume: false, stop: false });
    expect(allowedActions(undefined).start).toBe(true);
  });
});

describe('confusion helpers', () => {
  it('normalises rows and finds cells', () => {
    expect(rowNormalise([[1, 3], [0, 0]])).toEqual([[0.25, 0.75], [0, 0]]);
    expect(cellAt(15, 25, 10, 20, 5, 2)).toEqual({ row: 1, col: 1 });
    expect(cellAt(5, 25, 10, 20, 5, 2)).toBeNull();
  });

  it('calls a single group of unmarked classes "All classes"', () => {
    const g = groupClasses(['hemorrhage', 'normal', 'tumor'], null, 'normal');
    expect([...g.keys()]).toEqual(['All classes']);
    expect(g.get('All classes')).toEqual(['hemorrhage', 'normal', 'tumor']);
  });
});
