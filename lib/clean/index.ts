export * from './email.js';
export * from './phone.js';
export * from './text.js';
export * from './address.js';
export * from './money.js';
export * from './datetime.js';
