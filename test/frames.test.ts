// lib/frames: a snapshot into typed DataFrames and back, show() in and out of the kernel, and the
// profiles, checked against the dirt the synthetic-ISP generator plants on purpose.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import {
  buildSchema,
  getNamedType,
  isListType,
  isNonNullType,
  parse,
  type GraphQLObjectType,
  type OperationDefinitionNode,
  type FieldNode,
} from 'graphql';
import { DataFrame } from 'danfojs-node';
import { generateIsp } from '../lib/sandbox/generator/index.js';
import type { SonarDataset, SonarRecord } from '../lib/sandbox/dataset.js';
import { SNAPSHOT_QUERIES, type SnapshotTable } from '../lib/sonar/queries.js';
import { LINK_LISTS } from '../lib/sonar/relations.js';
import {
  COLUMN_SPECS,
  blankRequired,
  displayWidth,
  duplicateEmails,
  duplicateIds,
  duplicateLogins,
  frameColumns,
  frameDtypes,
  frameLength,
  framesToRecords,
  frameToRecords,
  invalidEmails,
  invalidPhones,
  issuesForReview,
  loadCleaned,
  loadCleanedExtra,
  loadCleanedRecords,
  loadRecords,
  loadSnapshot,
  nullCounts,
  readJsonl,
  UNUSED_BY_LOAD,
  orphanReferences,
  overlongFields,
  paddedText,
  progress,
  referenceCoverage,
  renderHtml,
  renderText,
  show,
  statusCounts,
  toFrame,
  unicodeText,
  valueCounts,
  writeCleaned,
  type DuplicateGroup,
  type Frames,
  type TypeProblem,
} from '../lib/frames/index.js';

const GB_PHONE = '00442071838750';
const ZIPS = ['01234', '00501', '02134'];

let dataset: SonarDataset;
let work: string;
let snapDir: string;
let frames: Frames;
let problems: TypeProblem[];
let extraPhoneId: string;

/** A snapshot folder as lib/sonar/snapshot.ts writes one: `<table>.jsonl` and a manifest. */
function writeSnapshot(dir: string, tables: Record<string, SonarRecord[]>, status = 'complete'): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const [t, rows] of Object.entries(tables))
    fs.writeFileSync(path.join(dir, `${t}.jsonl`), rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
  const counts = Object.fromEntries(Object.entries(tables).map(([t, rows]) => [t, { status: 'done', count: rows.length }]));
  fs.writeFileSync(
    path.join(dir, 'manifest.json'),
    JSON.stringify({ format: 'sonar-snapshot/1', id: path.basename(dir), status, tables: counts }),
  );
}

const marked = (cls: string) => dataset.dirty.filter((m) => m.class === cls);
const keys = (rows: Array<{ table: string; source_id: string }>) => new Set(rows.map((r) => `${r.table}/${r.source_id}`));
const markKeys = (cls: string) => new Set(marked(cls).map((m) => `${m.table}/${m.id}`));
const sorted = (s: Set<string>) => [...s].sort();

before(async () => {
  dataset = generateIsp({ accounts: 200, seed: 5, dirtyRate: 0.1 });
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'frames-'));
  snapDir = path.join(work, 'snapshots', '20260101-000000Z');
  // The generated records as Sonar returns them, plus what the generator never makes: zip codes
  // with a leading zero, a UK number written with its 00 prefix, and an empty table.
  const tables: Record<string, SonarRecord[]> = Object.fromEntries(
    Object.entries(dataset.tables).map(([t, rows]) => [t, rows.map((r) => ({ ...r }))]),
  );
  const clean = tables.addresses.filter((a) => !dataset.dirty.some((m) => m.table === 'addresses' && m.id === a.id));
  ZIPS.forEach((zip, i) => (clean[i].zip = zip));
  extraPhoneId = String(tables.phone_numbers.length + 1);
  tables.phone_numbers.push({
    ...tables.phone_numbers[0],
    id: extraPhoneId,
    sonar_unique_id: 'extra-gb-phone',
    contact_id: '1',
    number: GB_PHONE,
    extension: null,
    country: 'GB',
    number_formatted: '020 7183 8750',
  });
  tables.ticket_categories = [];
  writeSnapshot(snapDir, tables);
  problems = [];
  frames = await loadSnapshot(snapDir, { problems });
});

after(() => fs.rmSync(work, { recursive: true, force: true }));

describe('column specs', () => {
  test('declare every field of every snapshot query, typed from its Sonar scalar', () => {
    const dir = path.resolve(import.meta.dirname, '../lib/sandbox/sonar');
    const schema = buildSchema(['schema.graphql', 'enums.graphql'].map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('\n'));
    const KIND: Record<string, string> = {
      Int64Bit: 'id',
      ID: 'id',
      Int: 'int',
      Float: 'float',
      Latitude: 'float',
      Longitude: 'float',
      Boolean: 'boolean',
      Date: 'date',
      Datetime: 'datetime',
    };
    const queryFields = schema.getQueryType()!.getFields();
    for (const [table, query] of Object.entries(SNAPSHOT_QUERIES) as [SnapshotTable, string][]) {
      const op = parse(query).definitions[0] as OperationDefinitionNode;
      const root = op.selectionSet.selections[0] as FieldNode;
      const entities = root.selectionSet!.selections.find((s) => (s as FieldNode).name.value === 'entities') as FieldNode;
      const names = entities.selectionSet!.selections.map((s) => (s as FieldNode).name.value);
      const entity = getNamedType(
        (getNamedType(queryFields[table].type) as GraphQLObjectType).getFields().entities.type,
      ) as GraphQLObjectType;
      const expected = Object.fromEntries(
        names.map((n) => {
          const type = entity.getFields()[n].type;
          const inner = isNonNullType(type) ? type.ofType : type;
          // A link list (a nested connection) is kept as the list of its ids.
          if (LINK_LISTS[table]?.[n]) return [n, 'list'];
          return [n, isListType(inner) ? 'list' : (KIND[getNamedType(type).name] ?? 'text')];
        }),
      );
      assert.deepEqual(COLUMN_SPECS[table], expected, table);
    }
  });
});

describe('loading a snapshot into frames', () => {
  test('the load reads records without the bookkeeping fields, and everything else exactly as written', async () => {
    const whole = await loadRecords(snapDir);
    const lean = await loadRecords(snapDir, { omit: UNUSED_BY_LOAD });
    for (const t of Object.keys(whole)) {
      assert.equal(lean[t].length, whole[t].length, t);
      lean[t].forEach((r, i) => {
        const expected = Object.fromEntries(
          Object.entries(whole[t][i]).filter(([k]) => !(UNUSED_BY_LOAD as readonly string[]).includes(k)),
        );
        assert.deepEqual(r, expected, `${t} ${r.id}`);
      });
    }
    // Only where JSON's structure puts a key: text that looks like one inside a value stays.
    const file = path.join(work, 'omit.jsonl');
    const tricky = [
      { id: '1', updated_at: '2024-01-01T00:00:00Z', message: 'he typed ,"updated_at":"x" and {"_version":"2"}', _version: '3' },
      { sonar_unique_id: null, id: '2' },
      { id: '3', _version: 7 },
      { id: '4', updated_at: 'with \\"quote' },
    ];
    fs.writeFileSync(file, tricky.map((r) => JSON.stringify(r)).join('\n'));
    assert.deepEqual(await readJsonl(file, { omit: UNUSED_BY_LOAD }), [
      { id: '1', message: tricky[0].message },
      tricky[1], // written first: kept (records start with their id)
      { id: '3' },
      tricky[3], // a value with an escape is not worth the risk: the field stays
    ]);
  });

  test('one frame per table, with every record', () => {
    assert.deepEqual(Object.keys(frames).sort(), [...Object.keys(dataset.tables)].sort());
    for (const [t, rows] of Object.entries(dataset.tables))
      assert.equal(frameLength(frames[t]), t === 'phone_numbers' ? rows.length + 1 : t === 'ticket_categories' ? 0 : rows.length, t);
    assert.deepEqual(problems, []);
  });

  test('ids, zips and phone numbers stay strings with their leading zeros', () => {
    const a = frames.addresses;
    const dtype = (df: DataFrame, c: string) => frameDtypes(df)[frameColumns(df).indexOf(c)];
    for (const c of ['id', 'sonar_unique_id', 'addressable_id', 'zip']) assert.equal(dtype(a, c), 'string', c);
    const records = frameToRecords('addresses', a);
    for (const zip of ZIPS)
      assert.ok(
        records.some((r) => r.zip === zip),
        `zip ${zip} kept`,
      );
    assert.ok(records.every((r) => typeof r.id === 'string' && (r.zip === null || typeof r.zip === 'string')));
    const phones = frameToRecords('phone_numbers', frames.phone_numbers);
    const gb = phones.find((r) => r.id === extraPhoneId)!;
    assert.equal(gb.number, GB_PHONE);
    assert.equal(typeof gb.contact_id, 'string');
    assert.equal(dtype(frames.phone_numbers, 'number'), 'string');
    // What this guards against: left to itself, danfojs reads these columns as numbers (issue #642).
    const inferred = new DataFrame(dataset.tables.addresses.slice(0, 30).map((r, i) => ({ ...r, zip: ZIPS[i % 3] })));
    assert.equal(inferred.dtypes[inferred.columns.indexOf('zip')], 'int32');
  });

  test('cents are numbers, dates and datetimes are Dates, booleans booleans, and nulls survive', () => {
    const accounts = frameToRecords('accounts', frames.accounts);
    const raw = dataset.tables.accounts;
    const cells = (c: string) => {
      const i = frameColumns(frames.accounts).indexOf(c);
      return (frames.accounts.values as unknown[][]).map((r) => r[i]);
    };
    assert.equal(frameDtypes(frames.accounts)[frameColumns(frames.accounts).indexOf('next_recurring_charge_amount')], 'int32');
    cells('next_recurring_charge_amount').forEach((v, i) => assert.equal(v, raw[i].next_recurring_charge_amount));
    cells('created_at').forEach((v, i) => {
      assert.ok(v instanceof Date);
      assert.equal(v.getTime(), Date.parse(raw[i].created_at as string));
    });
    cells('activation_date').forEach((v, i) => {
      if (raw[i].activation_date === null) assert.equal(v, null);
      else assert.ok(v instanceof Date && v.getFullYear() === Number((raw[i].activation_date as string).slice(0, 4)));
    });
    cells('is_delinquent').forEach((v, i) => assert.equal(v, raw[i].is_delinquent));
    const nullArchived = raw.filter((r) => r.archived_at === null).length;
    assert.ok(nullArchived > 0 && nullArchived < raw.length);
    assert.equal(cells('archived_at').filter((v) => v === null).length, nullArchived);
    // Back to records: the wire form again (Datetimes in UTC, the same instant).
    accounts.forEach((r, i) => {
      assert.equal(r.activation_date, raw[i].activation_date);
      assert.equal(Date.parse(r.updated_at as string), Date.parse(raw[i].updated_at as string));
      assert.equal(r.parent_account_id, raw[i].parent_account_id);
    });
    const invoices = frameToRecords('invoices', frames.invoices);
    assert.ok(invoices.length > 0 && invoices.every((r) => typeof r.total_debits === 'number' && typeof r.date === 'string'));
    // Lists are JSON text in the frame and arrays again in records.
    const roles = frameToRecords('roles', frames.roles);
    assert.deepEqual(roles[0].applied_permissions, dataset.tables.roles[0].applied_permissions);
  });

  test('an empty table is an empty frame with the declared columns', () => {
    const empty = frames.ticket_categories;
    assert.equal(frameLength(empty), 0);
    assert.deepEqual(frameColumns(empty), Object.keys(COLUMN_SPECS.ticket_categories));
    assert.deepEqual(frameColumns(toFrame('accounts', [])), Object.keys(COLUMN_SPECS.accounts));
    assert.deepEqual(frameToRecords('accounts', toFrame('accounts', [])), []);
  });

  test('records with their keys in any order, or missing some, land in the right columns', () => {
    const df = toFrame('addresses', [
      { id: '1', zip: '01234', city: 'Austin' },
      { city: 'Waco', id: '2' },
    ]);
    const rows = frameToRecords('addresses', df);
    assert.deepEqual([rows[0].id, rows[0].zip, rows[0].city], ['1', '01234', 'Austin']);
    assert.deepEqual([rows[1].id, rows[1].zip, rows[1].city], ['2', null, 'Waco']);
  });

  test('undeclared tables and columns keep strings as strings', () => {
    const df = toFrame('worklist', [{ account_id: '007', zip: '01234', amount: 5, ok: true, at: new Date('2024-01-01T00:00:00Z') }]);
    assert.deepEqual(frameDtypes(df), ['string', 'string', 'int32', 'boolean', 'datetime']);
    assert.deepEqual(frameToRecords('worklist', df)[0], {
      account_id: '007',
      zip: '01234',
      amount: 5,
      ok: true,
      at: '2024-01-01T00:00:00Z',
    });
  });

  test('a value that does not fit its type is null, and reported', () => {
    const found: TypeProblem[] = [];
    const df = toFrame(
      'accounts',
      [{ id: '1', next_recurring_charge_amount: 'lots', activation_date: '2023-02-30', is_delinquent: 'maybe' }],
      { problems: found },
    );
    const r = frameToRecords('accounts', df)[0];
    assert.deepEqual([r.next_recurring_charge_amount, r.activation_date, r.is_delinquent], [null, null, null]);
    assert.deepEqual(found.map((p) => p.field).sort(), ['activation_date', 'is_delinquent', 'next_recurring_charge_amount']);
  });

  test('an unfinished snapshot, an unknown table and a broken line are refused in words', async () => {
    const running = path.join(work, 'snapshots', 'running');
    writeSnapshot(running, { accounts: dataset.tables.accounts.slice(0, 3) }, 'running');
    await assert.rejects(loadSnapshot(running), /not complete/);
    assert.equal(frameLength((await loadSnapshot(running, { allowIncomplete: true })).accounts), 3);
    await assert.rejects(loadSnapshot(snapDir, { tables: ['acounts'] }), /no table acounts.*accounts/s);
    assert.deepEqual(Object.keys(await loadSnapshot(snapDir, { tables: ['contacts', 'accounts'] })), ['accounts', 'contacts']);
    fs.appendFileSync(path.join(running, 'accounts.jsonl'), '{"id": "4", "na\n');
    await assert.rejects(loadRecords(running, { allowIncomplete: true }), /accounts\.jsonl, line 4/);
  });
});

describe('profiles find the planted dirt, and nothing else', () => {
  test('invalid e-mails: exactly the invalid_email marks', () => {
    const rows = invalidEmails(frames);
    assert.deepEqual(sorted(keys(rows)), sorted(markKeys('invalid_email')));
    assert.ok(rows.every((r) => r.field === 'email_address' && r.problem.length > 0));
  });

  test('phones: exactly the phone_format marks; a valid UK number written 0044… is fine', () => {
    const rows = invalidPhones(frames);
    assert.deepEqual(sorted(keys(rows)), sorted(markKeys('phone_format')));
    assert.ok(!rows.some((r) => r.source_id === extraPhoneId));
    assert.ok(rows.some((r) => r.kind === 'invalid') && rows.some((r) => r.kind === 'format'));
  });

  test('overlong fields: the long_city marks at Splynx limits, the long_address marks at a tighter one', () => {
    const rows = overlongFields(frames);
    assert.deepEqual(sorted(keys(rows)), sorted(markKeys('long_city')));
    assert.ok(rows.every((r) => r.field === 'city' && r.limit === 32 && r.length > 32 && [...r.fix].length <= 32));
    const line1 = overlongFields(frames, { addresses: { line1: { splynx: 'customers.street_1', max: 100 } } });
    assert.deepEqual(sorted(keys(line1)), sorted(markKeys('long_address')));
  });

  test('orphaned references, polymorphic owners included: exactly the orphan_reference marks', () => {
    const rows = orphanReferences(frames);
    const expected = marked('orphan_reference')
      .map((m) => `${m.table}/${m.id}/${m.field}`)
      .sort();
    assert.deepEqual(rows.map((r) => `${r.table}/${r.source_id}/${r.field}`).sort(), expected);
    assert.ok(rows.some((r) => r.field === 'contactable_id') && rows.some((r) => r.field === 'noteable_id'));
    const coverage = referenceCoverage(frames);
    assert.equal(
      coverage.reduce((n, c) => n + c.orphans, 0),
      expected.length,
    );
    assert.ok(coverage.every((c) => c.checked));
    // A reference into a table the snapshot does not hold is skipped, and says so.
    const partial = referenceCoverage({ account_services: frames.account_services });
    assert.ok(partial.some((c) => c.field === 'service_id' && !c.checked && /services is not in this snapshot/.test(c.note)));
    assert.deepEqual(orphanReferences({ account_services: frames.account_services }), []);
  });

  test('blank names, padded text and unicode names', () => {
    assert.deepEqual(sorted(keys(blankRequired(frames))), sorted(markKeys('missing_name')));
    const padded = paddedText(frames);
    assert.deepEqual(
      padded.map((r) => `${r.table}/${r.source_id}/${r.field}`).sort(),
      marked('whitespace_padding')
        .map((m) => `${m.table}/${m.id}/${m.field}`)
        .sort(),
    );
    assert.ok(padded.every((r) => r.fix === r.fix.trim()));
    const unicode = unicodeText(frames);
    const names = unicode.filter((r) => r.field === 'name');
    assert.deepEqual(sorted(keys(names)), sorted(markKeys('unicode_name')));
    assert.ok(
      unicode.filter((r) => r.field !== 'name').every((r) => r.level === 'info'),
      'only names are planted; other non-ASCII text is information',
    );
    assert.ok(unicode.some((r) => r.level === 'warn' && /emoji/.test(r.problem)));
  });

  const groupsCover = (groups: DuplicateGroup[], cls: string) => {
    const marks = marked(cls);
    assert.ok(marks.length > 0);
    const inGroups = new Set(groups.flatMap((g) => g.ids.map((id) => `${g.table}/${id}`)));
    for (const m of marks) assert.ok(inGroups.has(`${m.table}/${m.id}`), `${cls} ${m.table}/${m.id} not found`);
    const markSet = markKeys(cls);
    for (const g of groups)
      assert.ok(
        g.ids.some((id) => markSet.has(`${g.table}/${id}`)),
        `group ${g.value} holds no planted record`,
      );
  };

  test('duplicate e-mails across accounts, logins, and ids', () => {
    const emails = duplicateEmails(frames);
    groupsCover(emails, 'duplicate_email');
    assert.ok(emails.every((g) => g.owners! >= 2 && g.value === g.value.toLowerCase()));
    groupsCover(duplicateLogins(frames), 'duplicate_login');
    assert.deepEqual(duplicateIds(frames), []);
    const twice = { accounts: [...dataset.tables.accounts, { ...dataset.tables.accounts[4] }] };
    assert.deepEqual(
      duplicateIds(twice).map((g) => [g.table, g.value, g.count]),
      [['accounts', '5', 2]],
    );
  });

  test('null counts and value counts', () => {
    const counts = nullCounts(frames.accounts, { table: 'accounts' });
    assert.deepEqual(
      counts.map((c) => c.column),
      frameColumns(frames.accounts),
    );
    const archived = counts.find((c) => c.column === 'archived_at')!;
    assert.equal(archived.nulls, dataset.tables.accounts.filter((r) => r.archived_at === null).length);
    assert.equal(counts.find((c) => c.column === 'name')!.blanks, marked('missing_name').filter((m) => m.table === 'accounts').length);
    assert.ok(
      nullCounts(frames).every((c) => c.nulls + c.blanks > 0),
      'a whole snapshot lists only the columns with gaps',
    );

    const status = valueCounts(frames.accounts, 'account_status_id');
    assert.equal(
      status.reduce((n, r) => n + r.count, 0),
      200,
    );
    assert.ok(status.every((r, i) => i === 0 || status[i - 1].count >= r.count));
    const all = statusCounts(frames);
    const named = all.filter((r) => r.table === 'accounts' && r.field === 'account_status_id');
    assert.ok(named.some((r) => r.label === 'Active'));
    assert.equal(
      all.filter((r) => r.field === 'archived').reduce((n, r) => n + r.count, 0),
      200,
    );
    assert.equal(
      all.find((r) => r.field === 'archived' && r.value === true)!.count,
      dataset.tables.accounts.filter((a) => a.archived_at !== null).length,
    );
    assert.ok(marked('archived_account').length > 0);
  });

  test('profiles read records as well as frames, with the same answers', () => {
    const records = framesToRecords(frames);
    assert.deepEqual(invalidEmails(records), invalidEmails(frames));
    assert.deepEqual(orphanReferences(records), orphanReferences(frames));
  });
});

describe('issues for review', () => {
  test('one table with the agreed columns, covering every profiled class', () => {
    const issues = issuesForReview(frames);
    assert.ok(issues.length > 0);
    for (const i of issues) {
      assert.deepEqual(Object.keys(i), ['entity', 'source_id', 'field', 'category', 'problem', 'suggested_fix']);
      assert.ok(['validation', 'transformation', 'data'].includes(i.category));
    }
    const at = new Set(issues.map((i) => `${i.entity}/${i.source_id}/${i.field}`));
    for (const cls of [
      'invalid_email',
      'duplicate_email',
      'duplicate_login',
      'long_city',
      'orphan_reference',
      'missing_name',
      'whitespace_padding',
    ]) {
      for (const m of marked(cls))
        assert.ok(at.has(`${m.table}/${m.id}/${m.field}`), `${cls} ${m.table}/${m.id}/${m.field} is not in the review`);
    }
    // A phone mark spoils the number or only its display form (number_formatted).
    const records = new Set(issues.map((i) => `${i.entity}/${i.source_id}`));
    for (const m of marked('phone_format')) assert.ok(records.has(`${m.table}/${m.id}`), `phone_format ${m.id} is not in the review`);
    assert.ok(issues.some((i) => i.category === 'validation' && i.field === 'email_address'));
    assert.ok(issues.some((i) => i.category === 'data' && i.field === 'service_id'));
  });

  test('clean data gives no issues', () => {
    const clean = generateIsp({ accounts: 200, seed: 5, dirtyRate: 0 });
    assert.deepEqual(issuesForReview(clean.tables), []);
  });
});

describe('show', () => {
  const rows = [
    { id: '1', name: '<script>alert("x")</script>', city: '王小明', note: 'tab\there', password: 'hunter22', cents: 4999 },
    { id: '2', name: 'Rocket 🚀 Internet Café', city: null, note: 'A & B', password: null, cents: -5 },
    { id: '10', name: 'Ame\u0301lie', city: 'Zoë', note: '', password: 'x', cents: 0 },
    { id: '11', name: 'Jo', city: 'Waco', note: 'ok', password: 'y', cents: 12 },
  ];

  test('text: aligned columns (wide and combining characters too), escaped control characters, masked credentials, "more rows"', () => {
    const out = renderText(rows, { title: 'Customers', maxRows: 3 });
    const lines = out.split('\n');
    assert.equal(lines[0], 'Customers');
    assert.match(lines[1], /^id\s+name\s+city\s+note\s+password\s+cents$/);
    const width = displayWidth(lines[2]);
    // The last column is numbers, right-aligned, so every table line ends at the same column.
    for (const line of lines.slice(1, 6)) assert.equal(displayWidth(line), width, `misaligned: ${line}`);
    assert.match(out, /tab\\there/);
    assert.ok(!out.includes('hunter22') && out.includes('***'));
    assert.match(lines[lines.length - 1], /^… 1 more row \(4 in all\)$/);
    assert.match(out, /null/);
    assert.equal(displayWidth('王小明'), 6);
    assert.equal(displayWidth('Ame\u0301lie'), 6);
    assert.equal(displayWidth('🚀'), 2);
  });

  test('html: every cell and the title escaped, and the same "more rows" line', () => {
    const html = renderHtml(rows, { title: 'Customers <b>', maxRows: 2 });
    assert.ok(!html.includes('<script>') && !html.includes('<b>'));
    assert.match(html, /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;/);
    assert.match(html, /A &amp; B/);
    assert.match(html, /<caption[^>]*>Customers &lt;b&gt;<\/caption>/);
    assert.equal((html.match(/<tr>/g) ?? []).length, 3);
    assert.match(html, /… 2 more rows \(4 in all\)/);
    assert.ok(!html.includes('hunter22'));
  });

  test('a frame shows like its records, with dates as dates, and columns can be chosen', () => {
    const out = renderText(frames.accounts, { columns: ['id', 'activation_date', 'next_recurring_charge_amount'], maxRows: 2 });
    const lines = out.split('\n');
    assert.match(lines[0], /^id\s+activation_date\s+next_recurring_charge_amount$/);
    assert.match(
      lines[2],
      new RegExp(`^1\\s+${dataset.tables.accounts[0].activation_date}\\s+${dataset.tables.accounts[0].next_recurring_charge_amount}$`),
    );
    assert.match(out, /… 198 more rows \(200 in all\)/);
    assert.match(renderText([], { title: 'Nothing' }), /Nothing\n\(no rows\)/);
    // Profile rows are interfaces, not index signatures: show() must take them as they are.
    assert.match(renderText(invalidEmails(frames), { maxRows: 1 }), /^table\s+source_id\s+field\s+value\s+problem\s+fix\n/);
    assert.match(renderHtml(issuesForReview(frames), { maxRows: 1 }), /<th[^>]*>suggested_fix<\/th>/);
    assert.match(renderText(frames.ticket_categories), /^id\s+sonar_unique_id.*\n.*\n\(no rows\)$/);
  });

  test('outside a kernel, show() prints the text table to stdout', () => {
    const written: string[] = [];
    const original = process.stdout.write;
    process.stdout.write = ((s: string) => (written.push(String(s)), true)) as typeof process.stdout.write;
    try {
      show(rows, { title: 'Headless' });
    } finally {
      process.stdout.write = original;
    }
    const text = written.join('');
    assert.match(text, /^Headless\nid\s+name/);
    assert.ok(!text.includes('<table') && text.includes('<script>'), 'plain text, not HTML');
  });

  test('in a kernel, show() sends HTML and text in one display, and progress updates one display in place', () => {
    const jupyter = createRequire(import.meta.url)('tslab/dist/jupyter.js') as { lastWriteDisplayData: unknown };
    const sent: Array<{ data: Record<string, string>; transient: { display_id?: string }; update: boolean }> = [];
    jupyter.lastWriteDisplayData = (d: { data: Record<string, string>; transient: { display_id?: string } }, update: boolean) =>
      sent.push({ ...d, update });
    const printed: string[] = [];
    const original = process.stdout.write;
    process.stdout.write = ((s: string) => (printed.push(String(s)), true)) as typeof process.stdout.write;
    try {
      show(rows, { title: 'Kernel' });
      const bar = progress('Loading', { intervalMs: 0 });
      bar.update(1, 4, 'accounts');
      bar.update(2, 4);
      bar.done('all');
    } finally {
      process.stdout.write = original;
      jupyter.lastWriteDisplayData = null;
    }
    assert.deepEqual(printed, [], 'nothing on stdout in a kernel');
    assert.match(sent[0].data['text/html'], /^<table[\s\S]*&lt;script&gt;/);
    assert.match(sent[0].data['text/plain'], /^Kernel\nid/);
    const bars = sent.slice(1);
    assert.equal(bars.length, 3);
    assert.ok(bars.every((b) => b.transient.display_id && b.transient.display_id === bars[0].transient.display_id));
    assert.deepEqual(
      bars.map((b) => b.update),
      [false, true, true],
    );
    assert.match(bars[0].data['text/html'], /<progress value="1" max="4"/);
    assert.match(bars[2].data['text/plain'], /Loading: done in .* · all/);
  });

  test('headless progress prints throttled lines and always the last', () => {
    const lines: string[] = [];
    const bar = progress('Extract', { intervalMs: 60_000, write: (l) => lines.push(l) });
    for (let i = 1; i <= 1000; i++) bar.update(i, 1000, 'accounts');
    bar.done('1000 records');
    assert.equal(lines.length, 2);
    assert.match(lines[0], /^Extract: 1\/1000 \(0%\) · accounts · \d+\.\d s$/);
    assert.match(lines[1], /^Extract: done in \d+\.\d s · 1000 records$/);
  });
});

describe('a cleaned dataset written to data/ and read back', () => {
  test('frames round-trip through writeCleaned and loadCleaned', async () => {
    const dir = path.join(work, 'clean', '20260101-000000Z');
    const issues = issuesForReview(frames);
    const manifest = await writeCleaned(dir, frames, { sourceSnapshot: '20260101-000000Z', extra: { issues } });
    assert.equal(manifest.id, '20260101-000000Z');
    assert.equal(manifest.tables.accounts.count, 200);
    assert.ok(fs.existsSync(path.join(dir, 'accounts.jsonl')) && fs.existsSync(path.join(dir, 'manifest.json')));
    const back = await loadCleaned(dir);
    assert.deepEqual(Object.keys(back), Object.keys(frames));
    assert.deepEqual(framesToRecords(back), framesToRecords(frames));
    for (const t of Object.keys(frames)) assert.deepEqual(frameDtypes(back[t]), frameDtypes(frames[t]), t);
    assert.deepEqual(await loadCleanedExtra(dir, 'issues'), issues);
    // The records are the snapshot's, Datetimes aside (same instant, written in UTC).
    const records = await loadCleanedRecords(dir, { tables: ['addresses'] });
    const original = await loadRecords(snapDir, { tables: ['addresses'] });
    records.addresses.forEach((r, i) => {
      const o = original.addresses[i];
      assert.deepEqual(
        { ...r, created_at: Date.parse(r.created_at as string), updated_at: Date.parse(r.updated_at as string) },
        { ...o, created_at: Date.parse(o.created_at as string), updated_at: Date.parse(o.updated_at as string) },
      );
    });
  });

  test('records with derived columns keep their types, and a rewrite replaces what was there', async () => {
    const dir = path.join(work, 'clean', 'derived');
    await writeCleaned(dir, frames);
    const accounts = framesToRecords({ accounts: frames.accounts }).accounts.map((r) => ({ ...r, zip_checked: '01234', owner_id: '0042' }));
    await writeCleaned(dir, { accounts });
    assert.ok(!fs.existsSync(path.join(dir, 'contacts.jsonl')), 'the previous tables are gone');
    const back = await loadCleaned(dir);
    assert.deepEqual(Object.keys(back), ['accounts']);
    const r = frameToRecords('accounts', back.accounts)[0];
    assert.equal(r.zip_checked, '01234');
    assert.equal(r.owner_id, '0042');
    assert.ok(back.accounts.values.length === 200);
    await assert.rejects(loadCleaned(snapDir), /not a cleaned dataset/);
  });
});
