/**
 * Reserved INFO and FORMAT keys with the Number and Type the VCF specification gives them, per
 * version (4.1-4.5). Versions are written as 41..45. `number: '.'` means the specification leaves
 * the count open, so any declared Number is compatible.
 */

export interface ReservedDef {
  number: string;
  type: string;
  /** values must be >= 0 */
  nonNegative?: boolean;
}

interface Entry extends ReservedDef {
  key: string;
  since?: number;
  until?: number;
}

const E = (key: string, number: string, type: string, extra: Partial<Entry> = {}): Entry => ({ key, number, type, ...extra });
const NN = { nonNegative: true };

/** Table 1.6.1 (reserved INFO keys) and section 3 (structural variants). */
const INFO: Entry[] = [
  E('AA', '1', 'String'),
  E('AC', 'A', 'Integer', NN),
  E('AD', 'R', 'Integer', { ...NN, since: 42 }),
  E('ADF', 'R', 'Integer', { ...NN, since: 42 }),
  E('ADR', 'R', 'Integer', { ...NN, since: 42 }),
  E('AF', 'A', 'Float'),
  E('AN', '1', 'Integer', NN),
  E('BQ', '1', 'Float'),
  E('CIGAR', 'A', 'String'),
  E('DB', '0', 'Flag'),
  E('DP', '1', 'Integer', NN),
  E('END', '1', 'Integer', NN),
  E('H2', '0', 'Flag'),
  E('H3', '0', 'Flag'),
  E('MQ', '1', 'Float'),
  E('MQ0', '1', 'Integer', NN),
  E('NS', '1', 'Integer', NN),
  E('SB', '4', 'Integer', { since: 43 }),
  E('SOMATIC', '0', 'Flag'),
  E('VALIDATED', '0', 'Flag'),
  E('1000G', '0', 'Flag'),
  // structural variants (section 3)
  E('IMPRECISE', '0', 'Flag'),
  E('NOVEL', '0', 'Flag'),
  E('SVTYPE', '1', 'String'),
  E('SVLEN', '.', 'Integer', { until: 43 }),
  E('SVLEN', 'A', 'Integer', { since: 44 }),
  E('CIPOS', '2', 'Integer', { until: 43 }),
  E('CIPOS', '.', 'Integer', { since: 44 }),
  E('CIEND', '2', 'Integer', { until: 43 }),
  E('CIEND', '.', 'Integer', { since: 44 }),
  E('HOMLEN', '.', 'Integer', { until: 43 }),
  E('HOMLEN', 'A', 'Integer', { since: 44 }),
  E('HOMSEQ', '.', 'String', { until: 43 }),
  E('HOMSEQ', 'A', 'String', { since: 44 }),
  E('BKPTID', '.', 'String', { until: 43 }),
  E('BKPTID', 'A', 'String', { since: 44 }),
  E('MEINFO', '4', 'String', { until: 43 }),
  E('MEINFO', '.', 'String', { since: 44 }),
  E('METRANS', '4', 'String', { until: 43 }),
  E('METRANS', '.', 'String', { since: 44 }),
  E('DGVID', '1', 'String', { until: 43 }),
  E('DGVID', 'A', 'String', { since: 44 }),
  E('DBVARID', '1', 'String', { until: 43 }),
  E('DBVARID', 'A', 'String', { since: 44 }),
  E('DBRIPID', '1', 'String', { until: 43 }),
  E('DBRIPID', 'A', 'String', { since: 44 }),
  E('MATEID', '.', 'String', { until: 43 }),
  E('MATEID', 'A', 'String', { since: 44 }),
  E('PARID', '1', 'String', { until: 43 }),
  E('PARID', 'A', 'String', { since: 44 }),
  E('EVENT', '1', 'String', { until: 43 }),
  E('EVENT', 'A', 'String', { since: 44 }),
  E('EVENTTYPE', 'A', 'String', { since: 44 }),
  E('CILEN', '2', 'Integer', { until: 43 }),
  E('CILEN', '.', 'Integer', { since: 44 }),
  E('DPADJ', '.', 'Integer'),
  E('CN', '1', 'Integer', { until: 43 }),
  E('CN', 'A', 'Float', { since: 44 }),
  E('CNADJ', '.', 'Integer'),
  E('CICN', '2', 'Integer', { until: 43 }),
  E('CICN', '.', 'Float', { since: 44 }),
  E('CICNADJ', '.', 'Integer'),
  E('SVCLAIM', 'A', 'String', { since: 44 }),
  // tandem repeats (4.4)
  E('RN', 'A', 'Integer', { ...NN, since: 44 }),
  E('RUS', '.', 'String', { since: 44 }),
  E('RUL', '.', 'Integer', { ...NN, since: 44 }),
  E('RUC', '.', 'Float', { since: 44 }),
  E('RB', '.', 'Integer', { ...NN, since: 44 }),
  E('CIRUC', '.', 'Float', { since: 44 }),
  E('CIRB', '.', 'Integer', { since: 44 }),
  E('RUB', '.', 'Integer', { ...NN, since: 44 }),
];

/** Table 1.6.2 (reserved genotype keys) and section 4 (structural variants). */
const FORMAT: Entry[] = [
  E('AD', 'R', 'Integer', { ...NN, since: 42 }),
  E('ADF', 'R', 'Integer', { ...NN, since: 42 }),
  E('ADR', 'R', 'Integer', { ...NN, since: 42 }),
  E('DP', '1', 'Integer', NN),
  E('EC', 'A', 'Integer'),
  E('FT', '1', 'String'),
  E('GL', 'G', 'Float'),
  // 4.1/4.2: genotype likelihoods of heterogeneous ploidy, one entry per genotype
  E('GLE', 'G', 'String', { until: 42 }),
  E('GP', 'G', 'Float'),
  E('GQ', '1', 'Integer'),
  E('GT', '1', 'String'),
  E('HQ', '2', 'Integer'),
  E('MQ', '1', 'Integer'),
  E('PL', 'G', 'Integer'),
  E('PP', 'G', 'Integer', { since: 43 }),
  E('PQ', '1', 'Integer'),
  E('PS', '1', 'Integer', NN),
  E('PSL', 'P', 'String', { since: 44 }),
  E('PSO', 'P', 'Integer', { since: 44 }),
  E('PSQ', 'P', 'Integer', { since: 44 }),
  // structural variants (section 4)
  E('CN', '1', 'Integer', { until: 43 }),
  E('CN', '1', 'Float', { since: 44 }),
  E('CICN', '2', 'Float', { since: 44 }),
  E('CNQ', '1', 'Float'),
  E('CNL', 'G', 'Float'),
  E('CNP', 'G', 'Float', { since: 43 }),
  E('NQ', '1', 'Integer'),
  E('HAP', '1', 'Integer'),
  E('AHAP', '1', 'Integer'),
  // local alleles (4.5)
  E('LAA', '.', 'Integer', { since: 45 }),
  E('LAD', 'LR', 'Integer', { ...NN, since: 45 }),
  E('LADF', 'LR', 'Integer', { ...NN, since: 45 }),
  E('LADR', 'LR', 'Integer', { ...NN, since: 45 }),
  E('LEC', 'LA', 'Integer', { since: 45 }),
  E('LGL', 'LG', 'Float', { since: 45 }),
  E('LGP', 'LG', 'Float', { since: 45 }),
  E('LPL', 'LG', 'Integer', { since: 45 }),
  E('LPP', 'LG', 'Integer', { since: 45 }),
];

function index(entries: Entry[]): (key: string, version: number) => ReservedDef | undefined {
  const m = new Map<string, Entry[]>();
  for (const e of entries) {
    const l = m.get(e.key);
    if (l) l.push(e); else m.set(e.key, [e]);
  }
  return (key, version) => m.get(key)?.find((e) => (e.since ?? 0) <= version && version <= (e.until ?? 99));
}

export const reservedInfo = index(INFO);
export const reservedFormat = index(FORMAT);

/** A declared Number is compatible with the reserved one when equal, or when either is '.'. */
export function numberCompatible(declared: string, reserved: string): boolean {
  return declared === reserved || declared === '.' || reserved === '.';
}
