/** Values of the custom fields on accounts, their primary contacts and serviceable addresses. */
import { CONTACT_TIMES, DROP_TYPES, REFERRAL_SOURCES, type AccountKind, type Catalog } from './catalog.js';
import { addMonths, formatDate, YEAR_MS } from './clock.js';
import type { GenContext } from './context.js';
import type { Family } from './services.js';

export interface CustomDataSubject {
  accountId: string;
  kind: AccountKind;
  createdMs: number;
  activationDay: number | null;
  printInvoice: boolean;
  primaryContactId: string;
  addressId: string | null;
  family: Family | null;
}

export function insertCustomData(ctx: GenContext, catalog: Catalog, subject: CustomDataSubject): void {
  const { rng, t } = ctx;
  const fields = catalog.customFields;
  const value = (fieldId: string, type: 'Account' | 'Contact' | 'Address', ownerId: string, text: string) =>
    t.insert('custom_field_data', subject.createdMs, {
      custom_field_id: fieldId,
      customfielddataable_type: type,
      customfielddataable_id: ownerId,
      value: text,
    });

  if (rng.chance(0.55)) value(fields.referralSource, 'Account', subject.accountId, rng.pick(REFERRAL_SOURCES));
  if (subject.activationDay !== null && rng.chance(subject.kind === 'RESIDENTIAL' ? 0.05 : 0.5)) {
    value(fields.contractEnd, 'Account', subject.accountId, formatDate(addMonths(subject.activationDay, rng.pick([12, 24, 36]))));
  }
  // Custom BOOLEAN values are strings like every custom field value.
  if (rng.chance(0.4)) value(fields.paperless, 'Account', subject.accountId, subject.printInvoice ? 'false' : 'true');
  // Accounts from the first two years were imported from the ISP's previous billing system.
  if (subject.createdMs < ctx.foundedMs + 2 * YEAR_MS)
    value(fields.legacyNumber, 'Account', subject.accountId, `LEG-${String(Number(subject.accountId) * 7 + 10000).padStart(6, '0')}`);
  if (subject.kind === 'RESIDENTIAL' && rng.chance(0.03)) value(fields.gateCode, 'Account', subject.accountId, `#${rng.int(1000, 9999)}`);
  if (rng.chance(0.1)) value(fields.contactTime, 'Contact', subject.primaryContactId, rng.pick(CONTACT_TIMES));
  if (subject.addressId && subject.family && rng.chance(0.4)) {
    const drop = subject.family === 'wireless' ? rng.pick(DROP_TYPES.slice(2)) : rng.pick(DROP_TYPES.slice(0, 2));
    value(fields.dropType, 'Address', subject.addressId, drop);
  }
}
