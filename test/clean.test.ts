import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { format } from 'date-fns';
import { TZDate } from '@date-fns/tz';
import {
  cleanEmail,
  cleanPhone,
  formatPhone,
  splitName,
  tidy,
  fitLength,
  cleanAddress,
  centsToDecimal,
  decimalToCents,
  toSplynxDatetime,
  toSplynxDate,
  checkDate,
} from '../lib/clean/index.js';

describe('e-mail', () => {
  test('extracts the address from display forms and lower-cases only the domain', () => {
    assert.equal(cleanEmail('  Jane Doe <Jane.Doe@Example.COM> ').value, 'Jane.Doe@example.com');
    assert.equal(cleanEmail('mailto:bob@isp.net.').value, 'bob@isp.net');
    assert.equal(cleanEmail('bob@isp.net').changed, false);
  });
  test('rejects what is not an address, saying why, and treats blank as absent', () => {
    for (const bad of ['john.doe@', 'jane at example.com', 'x@y', '@@', 'a@b@c']) {
      const r = cleanEmail(bad);
      assert.equal(r.value, null, bad);
      assert.ok(r.issue, `no issue for ${bad}`);
    }
    assert.deepEqual(cleanEmail('   '), { value: null, changed: false });
    assert.deepEqual(cleanEmail(null), { value: null, changed: false });
  });
});

describe('phone', () => {
  test('normalises the many US formats to E.164', () => {
    for (const raw of ['(512) 201-4567', '+1 512.201.4567', '512-201-4567', '5122014567', '1-512-201-4567']) {
      assert.equal(cleanPhone(raw, 'US').value?.e164, '+15122014567', raw);
    }
    assert.equal(cleanPhone('416 555 0199', 'CA').value?.e164, '+14165550199');
  });
  test('keeps an inline or separate extension apart from the number', () => {
    const r = cleanPhone('512-201-4567 ext 9', 'US');
    assert.deepEqual(r.value, { e164: '+15122014567', extension: '9' });
    assert.equal(formatPhone(r.value!), '+15122014567 ext. 9');
    assert.equal(cleanPhone('5122014567', 'US', '12').value?.extension, '12');
  });
  test('refuses letters and impossible numbers with a reason', () => {
    for (const bad of ['CALL ME MAYBE', '555-1234', '12', '+1 000 000 0000']) {
      const r = cleanPhone(bad, 'US');
      assert.equal(r.value, null, bad);
      assert.match(r.issue ?? '', /letters|not a valid/);
    }
  });
});

describe('names and text', () => {
  test('tidy folds odd whitespace and keeps unicode and emoji', () => {
    assert.equal(tidy('  José\u00A0 Ñúñez\u200B '), 'José Ñúñez');
    assert.equal(tidy('李小龍 🚀'), '李小龍 🚀');
    assert.equal(tidy('   '), null);
  });
  test('splits names, keeping particles with the last name', () => {
    assert.deepEqual(splitName('Doe, Jane').value, { first: 'Jane', last: 'Doe' });
    assert.deepEqual(splitName('  Ludwig  van Beethoven ').value, { first: 'Ludwig', last: 'van Beethoven' });
    assert.deepEqual(splitName('Prince').value, { first: '', last: 'Prince' });
    assert.equal(splitName('  ').issue, 'name is empty');
  });
  test('fitLength cuts to Splynx lengths by characters, never splitting an emoji, and says so', () => {
    const r = fitLength('Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch', 32, 'city');
    assert.equal([...r.value!].length, 32);
    assert.match(r.issue!, /city has 58 characters; Splynx keeps 32/);
    const emoji = fitLength('🚀'.repeat(40), 32, 'city');
    assert.equal(emoji.value, '🚀'.repeat(32));
    assert.equal(fitLength('Austin', 32, 'city').issue, undefined);
  });
});

describe('address', () => {
  test('maps Sonar fields to Splynx ones, keeps zip leading zeros, and builds gps', () => {
    const { value, issues } = cleanAddress({
      line1: ' 1 Main St ',
      line2: '',
      city: 'SPRINGFIELD',
      zip: '01234',
      subdivision: 'US_MA',
      country: 'US',
      latitude: '42.1',
      longitude: -72.5,
    });
    assert.deepEqual(value, {
      street_1: '1 Main St',
      street_2: null,
      city: 'Springfield',
      zip_code: '01234',
      subdivision_code: 'US-MA',
      country: 'US',
      gps: '42.1,-72.5',
    });
    assert.deepEqual(issues, []);
  });
  test('reports a city past 32 characters and impossible coordinates', () => {
    const { value, issues } = cleanAddress({ line1: 'x', city: 'Rancho Santa Margarita de los Robles', latitude: 123, longitude: 5 });
    assert.equal([...value.city!].length <= 32, true);
    assert.equal(value.gps, null);
    assert.equal(issues.length, 2);
  });
});

describe('money', () => {
  test('cents to decimal strings, exactly', () => {
    assert.equal(centsToDecimal(4999), '49.99');
    assert.equal(centsToDecimal(5), '0.05');
    assert.equal(centsToDecimal(-5), '-0.05');
    assert.equal(centsToDecimal(0), '0.00');
    assert.equal(centsToDecimal('123456789'), '1234567.89');
    assert.equal(centsToDecimal(null), null);
    assert.throws(() => centsToDecimal(10.5), /whole number/);
  });
  test('decimal back to cents, accepting Splynx 4-decimal answers', () => {
    assert.equal(decimalToCents('10.0000'), 1000);
    assert.equal(decimalToCents('49.99'), 4999);
    assert.equal(decimalToCents('-0.05'), -5);
    assert.equal(decimalToCents(7), 700);
    assert.throws(() => decimalToCents('1.005'), /fractions/);
    assert.throws(() => decimalToCents('abc'), /not a decimal/);
  });
});

describe('datetime', () => {
  test('converts an instant with offset into a naive datetime in the chosen timezone', () => {
    assert.equal(toSplynxDatetime('2024-03-10T01:30:00-06:00', 'America/New_York'), '2024-03-10 03:30:00');
    assert.equal(toSplynxDatetime('2024-01-01T02:00:00+00:00', 'America/Chicago'), '2023-12-31 20:00:00');
    assert.equal(toSplynxDatetime('2024-02-29T23:59:59+14:00', 'UTC'), '2024-02-29 09:59:59');
    assert.equal(toSplynxDate('2024-01-01T02:00:00Z', 'America/Chicago'), '2023-12-31');
  });
  test('the fast path agrees with date-fns TZDate everywhere, across changes of offset', () => {
    const zones = [
      'America/New_York',
      'Australia/Lord_Howe',
      'Asia/Kathmandu',
      'Pacific/Chatham',
      'America/Sao_Paulo',
      'Europe/London',
      'Asia/Tehran',
      'America/St_Johns',
      'UTC',
    ];
    // Every 7 minutes across 2014–2026's spring and autumn changes, and a random spread besides.
    const instants: number[] = [];
    for (let y = 2014; y <= 2026; y += 3)
      for (const m of [2, 3, 9, 10]) for (let t = Date.UTC(y, m, 1); t < Date.UTC(y, m + 1, 1); t += 7 * 60_000) instants.push(t);
    let seed = 7;
    for (let i = 0; i < 2000; i++)
      instants.push(Date.UTC(1995, 0, 1) + ((seed = (seed * 48271) % 2147483647) / 2147483647) * 40 * 365 * 86_400_000);
    for (const tz of zones) {
      for (const ms of instants.filter((_, i) => i % (tz === 'UTC' ? 50 : 5) === 0)) {
        const iso = new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');
        assert.equal(
          toSplynxDatetime(iso, tz),
          format(new TZDate(Math.floor(ms / 1000) * 1000, tz), 'yyyy-MM-dd HH:mm:ss'),
          `${iso} in ${tz}`,
        );
      }
    }
    assert.throws(() => toSplynxDatetime('2024-02-30T10:00:00+01:00', 'UTC'), /not an ISO 8601/, 'no 30 February');
    assert.equal(toSplynxDatetime('2024-02-29T10:00:00.5+01:00', 'UTC'), '2024-02-29 09:00:00');
  });
  test('refuses datetimes without an offset, garbage, and unknown timezones', () => {
    assert.throws(() => toSplynxDatetime('2024-01-01T00:00:00', 'UTC'), /no UTC offset/);
    assert.throws(() => toSplynxDatetime('yesterday+01:00', 'UTC'), /not an ISO 8601/);
    assert.throws(() => toSplynxDatetime('2024-01-01T00:00:00Z', 'Mars/Olympus'), /Unknown timezone/);
  });
  test('checks calendar dates, leap days included', () => {
    assert.equal(checkDate('2024-02-29'), '2024-02-29');
    assert.throws(() => checkDate('2023-02-29'), /not a calendar date/);
    assert.throws(() => checkDate('01/02/2024'), /not a calendar date/);
  });
});
