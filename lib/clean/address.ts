/**
 * Sonar addresses to Splynx's customer address fields and their lengths.
 * Splynx has `street_1` and `street_2` but no `state` text: the state is a `subdivision_id` that
 * points at Splynx's own states list, resolved at load time from the code kept here.
 */
import { SPLYNX_LIMITS } from '../splynx/limits.js';
import { fitLength, tidy } from './text.js';

const { street_1, street_2, city, zip_code } = SPLYNX_LIMITS.customers;
/** The lengths of the address fields of Splynx's customers, which cleaning cuts to. */
export const ADDRESS_LIMITS = { street_1, street_2, city, zip_code } as const;

export interface SonarAddressLike {
  line1?: string | null;
  line2?: string | null;
  city?: string | null;
  zip?: string | null;
  subdivision?: string | null;
  country?: string | null;
  latitude?: number | string | null;
  longitude?: number | string | null;
}

export interface SplynxAddress {
  street_1: string | null;
  street_2: string | null;
  city: string | null;
  zip_code: string | null;
  /** ISO 3166-2 code such as `US-TX`, from Sonar's `US_TX`. */
  subdivision_code: string | null;
  country: string | null;
  /** Splynx's `gps`: "lat,lon". */
  gps: string | null;
}

export function cleanAddress(a: SonarAddressLike): { value: SplynxAddress; issues: string[] } {
  const issues: string[] = [];
  const fit = (v: string | null | undefined, field: keyof typeof ADDRESS_LIMITS) => {
    const r = fitLength(v, ADDRESS_LIMITS[field], field);
    if (r.issue) issues.push(r.issue);
    return r.value;
  };
  // Zip codes are text: a leading zero is part of the code.
  const zip = tidy(a.zip === null || a.zip === undefined ? null : String(a.zip))?.toUpperCase() ?? null;
  const lat = a.latitude === null || a.latitude === undefined || a.latitude === '' ? NaN : Number(a.latitude);
  const lon = a.longitude === null || a.longitude === undefined || a.longitude === '' ? NaN : Number(a.longitude);
  const gpsOk = Number.isFinite(lat) && Number.isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180;
  if (!gpsOk && (a.latitude || a.longitude)) issues.push(`coordinates "${a.latitude},${a.longitude}" are not a valid position`);
  return {
    value: {
      street_1: fit(a.line1, 'street_1'),
      street_2: fit(a.line2, 'street_2'),
      city: fit(titleCaseIfShouting(a.city), 'city'),
      zip_code: fit(zip, 'zip_code'),
      subdivision_code: a.subdivision ? a.subdivision.replace('_', '-') : null,
      country: a.country ?? null,
      gps: gpsOk ? `${lat},${lon}` : null,
    },
    issues,
  };
}

/** "SPRINGFIELD" → "Springfield"; mixed-case input is left as the analyst's data had it. */
function titleCaseIfShouting(s: string | null | undefined): string | null {
  const t = tidy(s);
  if (!t || t !== t.toUpperCase() || !/[A-Z]/.test(t)) return t;
  return t.toLowerCase().replace(/(^|[\s'\-])(\p{L})/gu, (_, sep: string, ch: string) => sep + ch.toUpperCase());
}
