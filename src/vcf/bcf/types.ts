/**
 * BCF 2.2 typed values (hts-specs VCFv4.3 §6.3): a descriptor byte holds the element type in its low
 * nibble and the element count in the high nibble (15: the count follows as a typed integer).
 */
export const BT_NULL = 0;
export const BT_INT8 = 1;
export const BT_INT16 = 2;
export const BT_INT32 = 3;
export const BT_FLOAT = 5;
export const BT_CHAR = 7;

/** bytes per element, by type code (0 for NULL and unknown codes) */
export const TYPE_SIZE = new Uint8Array([0, 1, 2, 4, 0, 4, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]);

export const INT8_MISSING = -128;
export const INT8_VECTOR_END = -127;
export const INT16_MISSING = -32768;
export const INT16_VECTOR_END = -32767;
export const INT32_MISSING = -2147483648;
export const INT32_VECTOR_END = -2147483647;
/** smallest value each integer type can hold (the 8 lowest are reserved) */
export const INT8_MIN = -120;
export const INT16_MIN = -32760;
export const INT32_MIN = -2147483640;

export const FLOAT_MISSING = 0x7f800001;
export const FLOAT_VECTOR_END = 0x7f800002;
/** htslib's bcf_str_missing: a char printed as '.' */
export const STR_MISSING = 0x07;

/** Header value types, as htslib's BCF_HT_*: what a key's values are encoded as. */
export const HT_FLAG = 0;
export const HT_INT = 1;
export const HT_REAL = 2;
export const HT_STR = 3;
