/** Name tokens that name an imaging modality; a class carrying one belongs to that modality's group. */
const MODALITY_TOKENS: Record<string, string> = {
  OCT: 'OCT',
  FUNDUS: 'Fundus',
  CT: 'CT',
  MRI: 'MRI',
  MR: 'MRI',
  XRAY: 'X-ray',
  CXR: 'X-ray',
  US: 'Ultrasound',
  PET: 'PET',
  DERM: 'Dermoscopy',
  HISTO: 'Histology',
};

function modalityOf(name: string): string | null {
  for (const token of name.split(/[_\s-]+/)) {
    const m = MODALITY_TOKENS[token.toUpperCase()];
    if (m) return m;
  }
  return null;
}

/**
 * Groups classes by modality: an explicit map (a run config's `class_modalities`) wins; otherwise a modality token in
 * the name (OCT_CNV → OCT, Normal_Fundus → Fundus). Classes with no token join the group of the run's normal class
 * when that has one (RETFound's fundus classes carry no prefix), else "Other" — or "All classes" when no class names a
 * modality at all (one group, nothing to set it apart from).
 */
export function groupClasses(classes: readonly string[], explicit?: Record<string, string> | null, normalClass?: string | null): Map<string, string[]> {
  const fallback = (normalClass && modalityOf(normalClass)) || (classes.some((c) => modalityOf(c) === 'Fundus') ? 'Fundus' : 'Other');
  const groups = new Map<string, string[]>();
  for (const c of classes) {
    const g = explicit?.[c] ?? modalityOf(c) ?? fallback;
    const list = groups.get(g);
    if (list) list.push(c);
    else groups.set(g, [c]);
  }
  if (groups.size === 1 && groups.has('Other')) return new Map([['All classes', [...classes]]]);
  return groups;
}
