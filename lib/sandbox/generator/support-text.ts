/** What ISP staff and customers actually write, which faker's lorem ipsum is not. */
import type { GenContext } from './context.js';

const NOTES = [
  'Customer called about bill, explained proration.',
  'Dog on property - call before arrival.',
  'Prefers contact by text message.',
  'Installed on {day}; signal {signal} dBm.',
  'Gate code changed, see custom field.',
  'Customer requested paper invoices.',
  'Payment arrangement: half now, rest by the {ordinal}.',
  'Upgraded plan at customer request.',
  'Relocated dish to the barn roof for line of sight.',
  'Do not disconnect - medical equipment on site.',
  'Account reviewed for delinquency, promised payment Friday.',
  'Referred by neighbour {name}.',
  'Seasonal customer, away November through March.',
];

const SUBJECTS: [subject: string, group: string][] = [
  ['No internet since the storm', 'Technical Support'],
  ['Slow speeds in the evening', 'Technical Support'],
  ['Connection drops every few minutes', 'Technical Support'],
  ['Router keeps rebooting', 'Technical Support'],
  ['Question about my bill', 'Billing'],
  ['Update credit card on file', 'Billing'],
  ['Charged twice this month', 'Billing'],
  ['Schedule installation', 'Installations'],
  ['Move service to new address', 'Installations'],
  ['Sector down at tower', 'Network Operations'],
  ['High latency on backhaul', 'Network Operations'],
  ['Interested in faster plan', 'Sales'],
];

const CUSTOMER_LINES = [
  'Still not working, can someone come out?',
  'Thanks, that fixed it.',
  'It is better now but still slow at night.',
  'I rebooted everything like you said.',
  'When will the technician arrive?',
  'Please call me back at your earliest convenience.',
];

const STAFF_LINES = [
  'We see your radio online now, please test again.',
  'A technician is scheduled for {day} between 8 and 12.',
  'We have applied a credit to your account.',
  'Please power cycle the router and let us know.',
  'We pushed a firmware update to your equipment.',
  'Closing this ticket; reply to reopen.',
];

const COMMENTS = [
  'Checked RADIUS logs, sessions look normal.',
  'Signal at -{signal}, needs realignment.',
  'Escalated to NOC.',
  'Customer has open balance, confirm before truck roll.',
  'Swapped CPE, old unit returned to warehouse.',
  'Waiting on customer callback.',
];

function fill(ctx: GenContext, template: string): string {
  return template
    .replace('{day}', ctx.faker.date.weekday())
    .replace('{signal}', String(ctx.rng.int(55, 78)))
    .replace('{ordinal}', `${ctx.rng.int(10, 28)}th`)
    .replace('{name}', ctx.faker.person.fullName());
}

export const noteText = (ctx: GenContext) => fill(ctx, ctx.rng.pick(NOTES));
export const ticketSubject = (ctx: GenContext) => ctx.rng.pick(SUBJECTS);
export const customerLine = (ctx: GenContext) => fill(ctx, ctx.rng.pick(CUSTOMER_LINES));
export const staffLine = (ctx: GenContext) => fill(ctx, ctx.rng.pick(STAFF_LINES));
export const commentText = (ctx: GenContext) => fill(ctx, ctx.rng.pick(COMMENTS));
