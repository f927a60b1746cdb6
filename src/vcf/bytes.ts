/** Small byte helpers. `latin1Slice` is Buffer's fast internal decoder (not in @types/node). */
type Latin1 = { latin1Slice(s: number, e: number): string };
export function latin1(buf: Buffer, s: number, e: number): string {
  return (buf as unknown as Latin1).latin1Slice(s, e);
}
