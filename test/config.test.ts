import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadSettings, redactSettings, scrubSecrets, secretValues, SettingsError } from '../lib/config.js';

const GOOD = {
  SONAR_URL: 'https://isp.sonar.software/',
  SONAR_API_KEY: 'sonar-token-ABCDEF123456',
  SPLYNX_URL: 'https://splynx.isp.example',
  SPLYNX_API_KEY: 'splynx-key-0011223344',
  SPLYNX_API_SECRET: 'splynx-secret-99887766',
};
const noFile = path.join(os.tmpdir(), 'does-not-exist.env');

test('valid settings load with defaults, and URLs lose their trailing slash', () => {
  const s = loadSettings({ envFile: noFile, env: GOOD });
  assert.equal(s.SONAR_URL, 'https://isp.sonar.software');
  assert.equal(s.SPLYNX_AUTH, 'token');
  assert.equal(s.SPLYNX_CONCURRENCY, 8);
  assert.equal(s.SONAR_RATE_LIMIT_PER_MINUTE, 400);
});

test('.env is read, and the environment overrides it', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-'));
  const file = path.join(dir, '.env');
  fs.writeFileSync(
    file,
    Object.entries(GOOD)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n') + '\nSPLYNX_CONCURRENCY=3\n',
  );
  assert.equal(loadSettings({ envFile: file, env: {} }).SPLYNX_CONCURRENCY, 3);
  assert.equal(loadSettings({ envFile: file, env: { SPLYNX_CONCURRENCY: '5' } }).SPLYNX_CONCURRENCY, 5);
});

test('a missing setting is named in one line', () => {
  const { SONAR_API_KEY: _, ...rest } = GOOD;
  assert.throws(
    () => loadSettings({ envFile: noFile, env: rest }),
    (e: Error) => {
      assert.ok(e instanceof SettingsError);
      assert.match(e.message, /SONAR_API_KEY is missing/);
      assert.ok(!e.message.includes('\n'));
      return true;
    },
  );
});

test('a bad value is named without echoing it, even when it is a secret-looking URL', () => {
  const env = { ...GOOD, SPLYNX_URL: 'not-a-url-with-secret-xyz', SPLYNX_AUTH: 'magic' };
  assert.throws(
    () => loadSettings({ envFile: noFile, env }),
    (e: Error) => {
      assert.match(e.message, /SPLYNX_URL must be an http\(s\) URL/);
      assert.match(e.message, /and 1 more/);
      assert.ok(!e.message.includes('secret-xyz'));
      return true;
    },
  );
  assert.throws(
    () => loadSettings({ envFile: noFile, env: { ...GOOD, SPLYNX_CONCURRENCY: 'lots' } }),
    /SPLYNX_CONCURRENCY must be a number/,
  );
  assert.throws(
    () => loadSettings({ envFile: noFile, env: { ...GOOD, SPLYNX_AUTH: 'magic' } }),
    /SPLYNX_AUTH must be one of signature, token, basic/,
  );
});

test('displayed settings show secrets as ***, and scrubbing removes them from any text', () => {
  const s = loadSettings({ envFile: noFile, env: GOOD });
  const shown = JSON.stringify(redactSettings(s));
  for (const v of [GOOD.SONAR_API_KEY, GOOD.SPLYNX_API_KEY, GOOD.SPLYNX_API_SECRET]) assert.ok(!shown.includes(v));
  assert.match(shown, /"SONAR_API_KEY":"\*\*\*"/);
  assert.match(shown, /"SONAR_URL":"https:\/\/isp.sonar.software"/);

  const log = `GET ${s.SPLYNX_URL}?key=${encodeURIComponent(GOOD.SPLYNX_API_KEY)} Authorization: Bearer ${GOOD.SONAR_API_KEY}`;
  const clean = scrubSecrets(log, secretValues(s));
  assert.ok(!clean.includes(GOOD.SPLYNX_API_KEY) && !clean.includes(GOOD.SONAR_API_KEY));
  assert.match(clean, /Bearer \*\*\*/);
});
