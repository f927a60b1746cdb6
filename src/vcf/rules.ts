/**
 * The validator's rule table: every problem `vcf-agent validate` reports carries one of these stable
 * ids. Severity is the default; a few rules are errors only from the VCF version where the
 * specification makes them mandatory and warnings before (noted in the description).
 *
 * Input-layer errors (unreadable or corrupt files) keep the code of the VcfError that reported them;
 * the common ones are listed here too so that every id a user can see is documented.
 */
import type { Severity } from './validate.js';

export interface Rule {
  id: string;
  severity: Severity;
  /** what the rule checks, one line */
  description: string;
  /** VCF section of the specification the rule comes from */
  spec: string;
}

const R = (id: string, severity: Severity, spec: string, description: string): Rule => ({ id, severity, spec, description });

export const RULE_LIST: Rule[] = [
  // --- the file as a whole
  R('VCF_NOT_VCF', 'error', '1', 'the input is not a VCF text stream (binary data, an unsupported container such as zip/xz/compress, or no header)'),
  R('VCF_EMPTY', 'error', '1', 'the file is empty'),
  R('VCF_INVALID_CHARACTER', 'error', '1.2 (4.3+)', 'a line contains a disallowed non-printable character (U+0000-U+0008, U+000B-U+000C, U+000E-U+001F)'),
  R('VCF_NO_FINAL_NEWLINE', 'error', '1.5', 'the last line is not terminated by a line separator'),
  R('VCF_BLANK_LINE', 'warning', '1.5', 'an empty line (ignored)'),
  R('VCF_LINE_TOO_LONG', 'error', '-', 'a line is longer than --max-line-bytes'),
  R('INPUT_NOT_FOUND', 'error', '-', 'the file does not exist'),
  R('INPUT_READ', 'error', '-', 'the file cannot be read'),
  R('GZIP_TRUNCATED', 'error', '-', 'the compressed stream ends early'),
  R('GZIP_CORRUPT', 'error', '-', 'the compressed stream is corrupt'),
  R('BGZF_BAD_BLOCK', 'error', '-', 'a BGZF block header is corrupt'),

  // --- header: meta-information lines
  R('VCF_HEADER_MISSING_FILEFORMAT', 'error', '1.4.1', 'the first line must be ##fileformat=VCFvX.Y'),
  R('VCF_FILEFORMAT_INVALID', 'error', '1.4.1', 'the ##fileformat value is malformed (e.g. contains whitespace) or repeated'),
  R('VCF_FILEFORMAT_UNSUPPORTED', 'warning', '1.4.1', 'a VCF version other than 4.0-4.5 (validated with the nearest known rules)'),
  R('VCF_HEADER_META_SYNTAX', 'error', '1.4', 'a meta-information line is not well-formed: no key=value, empty value, unterminated quote, missing closing ">", stray text'),
  R('VCF_HEADER_MISPLACED', 'error', '1.4/1.5', 'a header line after the #CHROM line'),
  R('VCF_HEADER_MISSING_ID', 'error', '1.4', 'a structured header line (##FILTER/ALT/contig/SAMPLE/PEDIGREE/META...) has no ID'),
  R('VCF_HEADER_DEFINITION', 'error', '1.4.2/1.4.4', 'an ##INFO/##FORMAT line lacks ID, Number, Type or Description, or (up to 4.3) does not start with them in that order; ##FILTER/##ALT lack a Description'),
  R('VCF_HEADER_NUMBER_INVALID', 'error', '1.4.2', 'Number is not an integer, A, R, G or . (FORMAT 4.4+: also P, LA, LR, LG; 4.5: M)'),
  R('VCF_HEADER_TYPE_INVALID', 'error', '1.4.2', 'Type is not Integer, Float, Flag, Character or String (Flag is not allowed in FORMAT)'),
  R('VCF_HEADER_FLAG_NUMBER', 'warning', '1.4.2', 'a Flag should have Number=0 (a warning: a Flag has no value, so other Numbers are moot; reserved Flags with another Number are VCF_HEADER_RESERVED_MISMATCH errors)'),
  R('VCF_HEADER_FIELD_UNQUOTED', 'error', '1.4', 'Description and optional fields (Source, Version, ...) of INFO/FORMAT/FILTER/ALT lines must be double-quoted strings'),
  R('VCF_HEADER_RESERVED_MISMATCH', 'error', '1.6.1, 1.6.2, 3, 4', 'a reserved INFO/FORMAT key is declared with another Type or Number than the specification defines'),
  R('VCF_HEADER_DUPLICATE_ID', 'error', '1.4', 'two structured lines of the same kind have the same ID'),
  R('VCF_HEADER_ID_INVALID', 'error', '1.4', 'an ID is malformed: INFO/FORMAT keys must match ^[A-Za-z_][0-9A-Za-z_.]*$ (error 4.3+, warning before), FILTER IDs must not be 0 or contain whitespace/semicolons, SAMPLE/PEDIGREE identifiers must not contain whitespace or , ; : = * < > characters'),
  R('VCF_HEADER_ALT_INVALID', 'error', '1.4.5', 'an ##ALT ID contains whitespace, commas or angle brackets, or a colon-separated type whose first level is not DEL, INS, DUP, INV, CNV (or BND before 4.4)'),
  R('VCF_CONTIG_ID_INVALID', 'error', '1.4.7', 'a contig name breaks the naming rules (4.3+: [0-9A-Za-z!#$%&+./:;?@^_|~-][0-9A-Za-z!#$%&*+./:;=?@^_|~-]*; before: no whitespace or commas)'),
  R('VCF_CONTIG_LENGTH_INVALID', 'error', '1.4.7', 'a ##contig length is not a non-negative integer'),
  R('VCF_HEADER_URL_INVALID', 'error', '1.4.6, 1.4.9', '##assembly / ##pedigreeDB is not a valid URL (bad host, whitespace, empty)'),
  R('VCF_HEADER_META_VALUES', 'error', '1.4.8', '##META Values must be a bracketed list: Values=[a, b]'),
  R('VCF_HEADER_SAMPLE_LINE', 'warning', '1.4.8 (4.1/4.2)', 'a 4.1/4.2 ##SAMPLE line without Genomes (the 4.1/4.2 syntax is ID, Genomes, Mixture, Description; many tools write other fields)'),
  R('VCF_HEADER_MISSING_CHROM_LINE', 'error', '1.5', 'the header has no #CHROM line, or a data line comes before it'),
  R('VCF_HEADER_BAD_COLUMNS', 'error', '1.5', 'the #CHROM line does not name the 8 fixed columns (then FORMAT) in order, or ends with a tab / has an empty sample name'),
  R('VCF_SAMPLE_DUPLICATE', 'error', '1.5', 'two samples have the same name'),

  // --- data lines: fixed columns
  R('VCF_RECORD_TOO_FEW_COLUMNS', 'error', '1.6', 'a data line has fewer than 8 tab-separated columns'),
  R('VCF_SAMPLE_COLUMN_COUNT', 'error', '1.6', 'a data line has a different number of columns than the #CHROM line (FORMAT + one per sample)'),
  R('VCF_CHROM_INVALID', 'error', '1.6.1', 'CHROM is empty, contains whitespace or commas, or (4.3+) breaks the contig naming rules'),
  R('VCF_CONTIG_UNDECLARED', 'warning', '1.4.7', 'a CHROM value has no ##contig line (reported once per contig)'),
  R('VCF_UNSORTED', 'error', '1.6.1', 'records of one CHROM are not contiguous, or positions decrease within a CHROM'),
  R('VCF_POS_INVALID', 'error', '1.6.1', 'POS is not a non-negative integer'),
  R('VCF_POS_OUT_OF_CONTIG', 'error', '1.6.1', 'POS is beyond the declared contig length + 1'),
  R('VCF_ID_INVALID', 'error', '1.6.1', 'ID has an empty element, whitespace, or a duplicate value'),
  R('VCF_REF_INVALID_BASE', 'error', '1.6.1', 'REF is empty or contains something other than A, C, G, T, N (e.g. a comma or an IUPAC code)'),
  R('VCF_ALT_INVALID', 'error', '1.6.1, 5.4', 'an ALT allele is empty, contains whitespace or invalid bases, or is a malformed symbolic allele or breakend'),
  R('VCF_ALT_SYMBOLIC_TYPE', 'error', '1.4.5', 'a colon-separated symbolic allele whose first-level type is not DEL, INS, DUP, INV, CNV (or BND before 4.4)'),
  R('VCF_DUPLICATE_VARIANT', 'warning', '-', 'the same variant (CHROM, POS, REF, ALT after trimming shared bases) appears in more than one record'),
  R('VCF_QUAL_INVALID', 'error', '1.6.1', 'QUAL is not a number or .'),
  R('VCF_FILTER_INVALID', 'error', '1.6.1', 'FILTER has an empty element, whitespace, the reserved value 0, or duplicates'),
  R('VCF_FILTER_UNDECLARED', 'warning', '1.4.3', 'a FILTER value has no ##FILTER line (reported once per value)'),

  // --- INFO
  R('VCF_INFO_SYNTAX', 'error', '1.6.1', 'INFO has an empty entry or value, or a key that does not match ^([A-Za-z_][0-9A-Za-z_.]*|1000G)$ (error 4.3+, warning before)'),
  R('VCF_INFO_DUPLICATE_KEY', 'error', '1.6.1', 'an INFO key appears twice in one record'),
  R('VCF_INFO_UNDECLARED', 'warning', '1.4.2', 'an INFO key has no ##INFO line (reported once per key; reserved keys are checked against the specification)'),
  R('VCF_INFO_FLAG_VALUE', 'error', '1.4.2', 'a Flag INFO key has a value'),
  R('VCF_INFO_TYPE', 'error', '1.3, 1.4.2', 'an INFO value does not match its Type (incl. the 32-bit Integer range and its reserved values)'),
  R('VCF_INFO_NUMBER', 'error', '1.4.2', 'an INFO key has a different number of values than its Number requires (a warning when a String that is not a reserved key has more comma-separated parts than a fixed Number: htslib keeps such a string whole)'),
  R('VCF_INFO_VALUE', 'error', '1.6.1, 3', 'a reserved INFO key has a value its definition forbids (negative counts, malformed CIGAR, ...)'),
  R('VCF_PERCENT_ENCODING', 'error', '1.2 (4.3+)', 'a % in an INFO/FORMAT value does not start a %XX percent-encoded character'),
  R('VCF_SV_INVALID', 'error', '3, 5.3 (4.4+)', 'structural variant fields break the 4.4+ rules: SVCLAIM values per allele type, SVLEN for symbolic SV alleles, CIPOS/CIEND/CICN pairs, END for <*>'),
  R('VCF_TR_INVALID', 'error', '3, 5.8 (4.4+)', 'tandem repeat fields (RN, RUS, RUL, RUC, RB, RUB, CIRUC, CIRB) are inconsistent with each other'),

  // --- FORMAT and samples
  R('VCF_FORMAT_SYNTAX', 'error', '1.6.2', 'FORMAT has an empty or duplicate key, GT is not first, or (4.3+) a key that does not match ^[A-Za-z_][0-9A-Za-z_.]*$'),
  R('VCF_FORMAT_UNDECLARED', 'warning', '1.4.4', 'a FORMAT key has no ##FORMAT line (reported once per key; reserved keys are checked against the specification)'),
  R('VCF_SAMPLE_FIELD_COUNT', 'error', '1.6.2', 'a sample has more colon-separated fields than FORMAT has keys'),
  R('VCF_GT_INVALID', 'error', '1.6.2', 'GT is not a genotype (allele indexes or . joined by / or |; the phasing prefix only from 4.4)'),
  R('VCF_GT_ALLELE_OUT_OF_RANGE', 'error', '1.6.2', 'a GT allele index is larger than the number of ALT alleles (a warning when ALT is the missing value .)'),
  R('VCF_FORMAT_TYPE', 'error', '1.3, 1.4.4', 'a sample value does not match its Type'),
  R('VCF_FORMAT_NUMBER', 'error', '1.4.2, 1.6.2', 'a sample value has a different number of values than its Number requires (G and P from the GT ploidy; a warning when a non-reserved String has more comma-separated parts than a fixed Number)'),
  R('VCF_FORMAT_VALUE', 'error', '1.6.2', 'a reserved FORMAT key has a value its definition forbids (negative depth, negative PS)'),
  R('VCF_PHASE_SET_INVALID', 'error', '1.6.2 (4.4+)', 'PSL/PSO/PSQ disagree with GT phasing (unphased alleles need PSL ".") or PS and PSL are both given'),
];

export const RULES: ReadonlyMap<string, Rule> = new Map(RULE_LIST.map((r) => [r.id, r]));

export function ruleSeverity(id: string): Severity {
  return RULES.get(id)?.severity ?? 'error';
}
