/**
 * Reading back the clock a test pattern burns into its picture as a code (see clockCodeLayout in
 * engine/media/command.ts): each square's centre is bright for 1, dark for 0, most significant bit first.
 */
export interface ClockCodeLayout {
  x: number;
  y: number;
  size: number;
  bits: number;
}

/** The time of day in milliseconds the frame shows, from a luma (0–255) reader over its pixels. */
export function readClockCode(luma: (x: number, y: number) => number, code: ClockCodeLayout): number {
  let value = 0;
  for (let i = 0; i < code.bits; i++) {
    const bright = luma(code.x + i * code.size + (code.size >> 1), code.y + (code.size >> 1)) > 128;
    value = value * 2 + (bright ? 1 : 0);
  }
  return value;
}
