/**
 * The broken values real ISP databases collect. Every variant stays valid for its GraphQL type
 * (a `Numeric` phone number is still all digits) but is wrong for the business.
 */
import type { GenContext } from './context.js';

export function brokenEmail(ctx: GenContext, email: string): string {
  const at = email.indexOf('@');
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  const label = domain.split('.')[0];
  return ctx.rng.pick([
    `${local}@`,
    `${local} at ${domain}`,
    `${local.slice(0, 1).toLowerCase()}@${label.slice(0, 1)}`,
    `${local}@${label}`,
    `${local}@@${domain}`,
    `${local}.${domain}`,
    `${local}@${domain.replaceAll('.', ',')}`,
    `${local}@${domain}.`,
  ]);
}

/** Accents, CJK, RTL scripts, emoji and decomposed (NFD) accents, which trip up encodings and collation. */
export const UNICODE_NAMES = [
  'José Martínez-Núñez',
  'Zoë Ångström',
  '王小明',
  '佐藤 花子',
  'Nguyễn Văn Anh',
  'محمد الأحمد',
  'שרה כהן',
  'Björk Guðmundsdóttir',
  'Rocket 🚀 Internet Café',
  'Łukasz Żółć',
  'Δημήτρης Παπαδόπουλος',
  'Иван Петров',
  'Renée O’Connor',
  'Ame\u0301lie Poulain',
  'François Lefèvre',
  '김민준',
  'Søren Kierkegård',
  'Ranch 🐄 & Feed Supply',
  'Ñandú Logística',
  'Dvořák Family',
];

export const BLANK_NAMES = ['', '   ', '\t', ' \n '];

export function padded(ctx: GenContext, value: string): string {
  return ctx.rng.pick([`  ${value}`, `${value} `, ` ${value}  `, `${value}\u00a0`, `\t${value}`]);
}

export interface MessyPhone {
  number: string;
  formatted: string;
  extension?: string;
}

/**
 * Phone numbers as people type them. `number` is Sonar's `Numeric` (digits only), so there the
 * mess can only be a wrong digit count (7, 5, 6 or 11 digits; ten is the only valid NANP length);
 * the typed text ("+1 806.555.1234", "555-1234 ext 9", letters) goes in `number_formatted`, which
 * in clean data is always "(AAA) EEE-LLLL".
 */
export function messyPhone(ctx: GenContext, number: string): MessyPhone {
  const a = number.slice(0, 3);
  const e = number.slice(3, 6);
  const l = number.slice(6, 10);
  return ctx.rng.pick<MessyPhone>([
    { number: `${e}${l}`, formatted: `${e}-${l}` },
    { number: `1${number}`, formatted: `+1 ${a}.${e}.${l}` },
    { number, formatted: `${e}-${l} ext 9`, extension: '9' },
    { number, formatted: `${a}${e}${l}` },
    { number: `${a}${e}`, formatted: `${a}-${e}-CALL` },
    { number: `${l}${e.slice(0, 1)}`, formatted: `${l}${e.slice(0, 1)}` },
    { number, formatted: `+1 (${a}) ${e}-${l} x12`, extension: '12' },
    { number: `${number}0`, formatted: `${a} ${e} ${l}0` },
  ]);
}

const CITY_SUFFIXES = ['Unincorporated Community', 'Census Designated Place', 'Rural Route Delivery Area', 'Extraterritorial Jurisdiction'];

/** Longer than Splynx's 32-character city column. */
export function longCity(ctx: GenContext, city: string): string {
  let long = `${city} ${ctx.rng.pick(CITY_SUFFIXES)}`;
  while (long.length <= 32) long += ' Area';
  return long;
}

const DIRECTIONS = [
  'Take the gravel road two miles past the grain elevator',
  'Behind the red barn, third gate on the left',
  'Attn: Accounts Payable Department',
  'Rural Route 2 Box 14',
  'Enter through the service entrance on the north side of the building',
];

/** More than 100 characters: directions and care-of lines typed into line1. */
export function longAddressLine(ctx: GenContext, line1: string): string {
  let long = line1;
  for (const extra of ctx.rng.sample(DIRECTIONS, DIRECTIONS.length)) {
    long += `, ${extra}`;
    if (long.length > 100) break;
  }
  return long;
}
