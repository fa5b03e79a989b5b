/**
 * Money. Sonar stores integer minor units (cents); Splynx takes decimals. Working in integers
 * until the last step keeps every sum exact to the cent.
 */

/** 4999 → "49.99"; -5 → "-0.05". A string, so no float ever rounds it on the way out. */
export function centsToDecimal(cents: number | string | null | undefined, minorDigits = 2): string | null {
  if (cents === null || cents === undefined || cents === '') return null;
  const n = typeof cents === 'string' ? Number(cents) : cents;
  if (!Number.isInteger(n)) throw new Error(`"${cents}" is not a whole number of minor units`);
  const sign = n < 0 ? '-' : '';
  const abs = Math.abs(n)
    .toString()
    .padStart(minorDigits + 1, '0');
  return minorDigits === 0 ? `${sign}${abs}` : `${sign}${abs.slice(0, -minorDigits)}.${abs.slice(-minorDigits)}`;
}

/** "49.99" → 4999, the inverse, for reconciling what Splynx gives back. */
export function decimalToCents(value: string | number, minorDigits = 2): number {
  const s = String(value).trim();
  const m = /^(-)?(\d+)(?:\.(\d+))?$/.exec(s);
  if (!m) throw new Error(`"${value}" is not a decimal amount`);
  const frac = (m[3] ?? '').padEnd(minorDigits, '0');
  // Splynx answers with 4 decimals ("10.0000"); anything past the minor unit must be zero.
  if (/[1-9]/.test(frac.slice(minorDigits))) throw new Error(`"${value}" has fractions of a minor unit`);
  const cents = Number(m[2]) * 10 ** minorDigits + Number(frac.slice(0, minorDigits) || 0);
  return m[1] ? -cents : cents;
}
