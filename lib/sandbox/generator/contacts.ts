/** Contacts (of accounts and network sites) and their phone numbers. */
import type { SonarRecord } from '../dataset.js';
import type { Catalog } from './catalog.js';
import type { GenContext } from './context.js';
import { phoneIn, type Region } from './geography.js';

export interface ContactSpec {
  contactableType: 'Account' | 'NetworkSite';
  contactableId: string;
  name: string;
  email: string | null;
  primary: boolean;
  role: string | null;
  username: string | null;
  region: Region;
  createdMs: number;
}

export function insertContact(ctx: GenContext, catalog: Catalog, spec: ContactSpec): SonarRecord {
  const { rng, t } = ctx;
  const contact = t.insert('contacts', spec.createdMs, {
    contactable_type: spec.contactableType,
    contactable_id: spec.contactableId,
    name: spec.name,
    email_address: spec.email,
    primary: spec.primary,
    role: spec.role,
    username: spec.username,
    language: spec.region.country === 'CA' && rng.chance(0.15) ? 'fr' : 'en',
    marketing_opt_in: rng.chance(0.35),
  });
  // About 1.45 numbers per contact: most have one, many a second, a few a third.
  const phones = rng.weighted([
    [1, 60],
    [2, 35],
    [3, 5],
  ] as const);
  const kinds = [catalog.phoneTypes.mobile, rng.chance(0.5) ? catalog.phoneTypes.home : catalog.phoneTypes.work, catalog.phoneTypes.work];
  for (let i = 0; i < phones; i++) {
    const phone = phoneIn(ctx, spec.region);
    const business = kinds[i] === catalog.phoneTypes.work;
    t.insert('phone_numbers', spec.createdMs, {
      contact_id: contact.id,
      number: phone.number,
      extension: business && rng.chance(0.2) ? String(rng.int(10, 999)) : null,
      country: spec.region.country,
      number_formatted: phone.formatted,
      phone_number_type_id: kinds[i],
      sms_opt_in: kinds[i] === catalog.phoneTypes.mobile && rng.chance(0.6),
    });
  }
  return contact;
}
