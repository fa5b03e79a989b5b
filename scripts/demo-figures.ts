/**
 * The figures of the analyst's decisions in a demo run (`npm run demo -- --review`): from the
 * cleaned dataset the demo's notebook 02 wrote, the load's report.json and verify.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ExcludedRecord, ExclusionOutcome } from '../lib/clean/exclusions.js';
import type { CorrectionOutcome } from '../lib/clean/corrections.js';
import type { RunReport } from '../lib/load/run.js';
import type { VerifyResult } from '../lib/verify/report.js';
import type { DemoDecisions } from './demo-review.js';

const jsonl = <T>(file: string): T[] =>
  fs.existsSync(file)
    ? fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as T)
    : [];
const newest = (dir: string, file: string) =>
  fs
    .readdirSync(dir)
    .filter((d) => fs.existsSync(path.join(dir, d, file)))
    .sort()
    .pop();

export function reviewFigures(dataDir: string, decisions: DemoDecisions): string[] {
  const cleanRoot = path.join(dataDir, 'clean');
  const clean = path.join(cleanRoot, newest(cleanRoot, 'manifest.json') ?? '');
  const corrections = jsonl<CorrectionOutcome>(path.join(clean, 'corrections.jsonl'));
  const exclusions = jsonl<ExclusionOutcome>(path.join(clean, 'exclusions.jsonl'));
  const excluded = jsonl<ExcludedRecord>(path.join(clean, 'excluded.jsonl'));
  const runs = path.join(dataDir, 'runs');
  const load = newest(runs, 'report.json');
  const report = load ? (JSON.parse(fs.readFileSync(path.join(runs, load, 'report.json'), 'utf8')) as RunReport) : null;
  const check = newest(runs, 'verify.json');
  const verify = check ? (JSON.parse(fs.readFileSync(path.join(runs, check, 'verify.json'), 'utf8')) as VerifyResult) : null;
  const by = (list: Array<{ status: string }>, s: string) => list.filter((x) => x.status === s).length;
  const members = excluded.filter((e) => e.excluded_with);
  const tables = Object.entries(members.reduce<Record<string, number>>((m, e) => ((m[e.table] = (m[e.table] ?? 0) + 1), m), {})).map(
    ([t, n]) => `${t} ${n}`,
  );
  return [
    '',
    `Corrections: ${by(corrections, 'applied')} applied, ${by(corrections, 'stale')} stale (Sonar changed the value since), ` +
      `${by(corrections, 'refused')} refused in the files; ${decisions.refusedAtOnce.length} refused at once by the helper.`,
    `Exclusions: ${by(exclusions, 'excluded')} accounts excluded, with ${members.length} records that belong to them (${tables.join(', ')}).`,
    `Load: ${report?.excluded?.length ?? 0} excluded rows in report.json across ${new Set(report?.excluded?.map((e) => e.entity)).size} entities, ` +
      `${report?.errors.filter((e) => (report.excluded ?? []).some((x) => x.entity === e.entity && x.source_id === e.source_id)).length ?? 0} of them errors.`,
    `Verify: ${verify?.excluded?.length ?? 0} excluded rows explained; customers row: excluded ${verify?.verdicts.find((v) => v.entity === 'customers')?.excluded ?? '?'}, verdict ${verify?.verdicts.find((v) => v.entity === 'customers')?.verdict ?? '?'}.`,
  ];
}
