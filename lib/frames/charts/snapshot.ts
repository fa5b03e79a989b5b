/**
 * Charts of a snapshot (notebook 02), drawn from the profiles the notebook shows as tables: the
 * accounts by status and type, and the problems per table.
 */
import type { TableSource } from '../load.js';
import { blankRequired, invalidEmails, invalidPhones, orphanReferences, overlongFields, statusCounts } from '../index.js';
import { base, countAxis, emptyChart, stackedBars, WIDTH } from './bars.js';
import type { Chart } from './chart.js';

const ACCOUNT_FIELDS: Record<string, string> = { account_status_id: 'status', account_type_id: 'type', archived: 'archived' };
const GROUPS = ['status', 'type', 'archived'];

/** Accounts per Sonar status, per account type, and archived or not: one panel each. */
export function accountStatusChart(source: TableSource): Chart {
  const name = 'account-statuses';
  const title = 'Accounts by status and type';
  const rows = statusCounts(source)
    .filter((r) => r.table === 'accounts' && r.field in ACCOUNT_FIELDS)
    .map((r) => ({
      group: ACCOUNT_FIELDS[r.field],
      value: r.label !== undefined ? r.label || '(none)' : r.value === null ? '(none)' : String(r.value),
      accounts: r.count,
    }));
  if (!rows.length) return emptyChart(name, title, 'No accounts in this snapshot');
  // One value has one row per panel, so `max` sorts by its count (a layered chart cannot sort by `sum` across panels).
  const sort = { op: 'max', field: 'accounts', order: 'descending' };
  const panel = (group: string) => {
    const max = Math.max(...rows.filter((r) => r.group === group).map((r) => r.accounts));
    return {
      title: { text: group, fontSize: 11, fontWeight: 'bold' },
      width: WIDTH,
      height: { step: 18 },
      transform: [{ filter: { field: 'group', equal: group } }],
      encoding: { y: { field: 'value', type: 'nominal', title: null, sort } },
      layer: [
        {
          mark: { type: 'bar', color: '#4c78a8' },
          encoding: { x: { field: 'accounts', type: 'quantitative', title: 'accounts', axis: countAxis(max) } },
        },
        {
          mark: { type: 'text', align: 'left', dx: 3, fontSize: 10, color: '#333' },
          encoding: { x: { field: 'accounts', type: 'quantitative' }, text: { field: 'accounts', type: 'quantitative' } },
        },
      ],
    };
  };
  return {
    name,
    title,
    rows,
    spec: { ...base(name, title, rows), vconcat: GROUPS.filter((g) => rows.some((r) => r.group === g)).map(panel), spacing: 14 },
  };
}

export const QUALITY_KINDS = ['missing', 'invalid', 'overlong', 'orphan'] as const;
const QUALITY_COLOURS = ['#9d755d', '#e45756', '#f58518', '#b279a2'];

/**
 * Values with a problem, per table: required text missing (blank names), invalid (e-mails and
 * phone numbers that are not valid as written), longer than their Splynx field, and references
 * to records the snapshot does not hold. The same profiles as the tables in notebook 02.
 */
export function qualityChart(source: TableSource, opts: { defaultCountry?: string } = {}): Chart {
  const counts = new Map<string, number>();
  const add = (table: string, kind: (typeof QUALITY_KINDS)[number]) =>
    counts.set(`${table}\t${kind}`, (counts.get(`${table}\t${kind}`) ?? 0) + 1);
  for (const r of blankRequired(source)) add(r.table, 'missing');
  for (const r of invalidEmails(source)) add(r.table, 'invalid');
  for (const r of invalidPhones(source, opts)) if (r.kind === 'invalid') add(r.table, 'invalid');
  for (const r of overlongFields(source)) add(r.table, 'overlong');
  for (const r of orphanReferences(source)) add(r.table, 'orphan');
  const rows = [...counts].map(([key, values]) => {
    const [table, problem] = key.split('\t');
    return { table, problem, values };
  });
  rows.sort(
    (a, b) => a.table.localeCompare(b.table) || QUALITY_KINDS.indexOf(a.problem as never) - QUALITY_KINDS.indexOf(b.problem as never),
  );
  return stackedBars({
    name: 'data-quality',
    title: 'Data quality: values missing, invalid, too long or orphaned, per table',
    rows,
    y: { field: 'table', title: 'table' },
    x: { field: 'values', title: 'values with a problem' },
    color: { field: 'problem', domain: QUALITY_KINDS, range: QUALITY_COLOURS },
    empty: 'No missing, invalid, overlong or orphaned values',
  });
}
