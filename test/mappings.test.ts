// Mapping tables on disk: proposed once, edited by the analyst, never overwritten, never defaulted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MappingTable, UnmappedError } from '../lib/mappings/table.js';

const spec = { name: 'account-status', describes: 'Splynx customer status', allowed: ['new', 'active', 'blocked', 'disabled'] } as const;
const row = (sonar_id: string, sonar_value: string, splynx_value: string, reason = 'guess') => ({
  sonar_id,
  sonar_value,
  splynx_value,
  reason,
  records: '1',
});

test("proposals are written once; the analyst's edits survive the next proposal; new values are added", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maps-'));
  const t = MappingTable.open(dir, spec);
  assert.equal(t.exists, false);
  t.propose([row('1', 'Active', 'active', 'activates the account'), row('2', 'Suspended', 'blocked')]);
  const file = path.join(dir, 'account-status.csv');
  assert.match(
    fs.readFileSync(file, 'utf8'),
    /^sonar_id,sonar_value,splynx_value,reason,records\n1,Active,active,activates the account,1\n/,
  );
  // The analyst decides suspended accounts are disabled.
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('2,Suspended,blocked', '2,Suspended,disabled'));
  const again = MappingTable.open(dir, spec);
  const { added } = again.propose([row('1', 'Active', 'active'), row('2', 'Suspended', 'blocked'), row('3', 'Lead', 'new')]);
  assert.deepEqual(
    added.map((r) => r.sonar_id),
    ['3'],
  );
  assert.match(added[0].reason, /^new since the table was written/);
  const reread = MappingTable.open(dir, spec);
  assert.equal(reread.lookup('2'), 'disabled');
  assert.equal(reread.lookup(3), 'new');
});

test('an unmapped or invalid value is an error that names the file, never a default', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maps-'));
  const t = MappingTable.open(dir, spec);
  t.propose([row('1', 'Active', 'actve'), row('2', 'Odd', '')]);
  assert.throws(
    () => t.lookup('9'),
    (e: UnmappedError) =>
      e instanceof UnmappedError &&
      /No Splynx customer status for Sonar account-status 9: add a row to .*account-status\.csv/.test(e.message),
  );
  assert.throws(() => t.lookup('1'), /maps to "actve", which is not a Splynx customer status/);
  assert.deepEqual(
    t.problems().map((p) => p.row.sonar_id),
    ['1', '2'],
  );
});
