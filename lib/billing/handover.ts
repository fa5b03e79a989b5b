/**
 * The handover date: the first day Splynx bills instead of Sonar. Services Splynx must not bill
 * end the day before it, and what Sonar no longer bills is covered up to the Splynx billing period
 * that contains that day (lib/entities/billing-coverage.ts). Billed services do not depend on it:
 * Splynx starts charging each one at its own Sonar next bill date.
 *
 * It is the `HANDOVER_DATE` setting when set; otherwise the date (in TIMEZONE) on which the
 * snapshot being loaded was taken, since Sonar's billing as that snapshot shows it is where Splynx
 * takes over. A cutover delta loads a newer snapshot, so by default its handover is cutover day.
 */
import fs from 'node:fs';
import path from 'node:path';
import { readCleanManifest } from '../frames/load.js';
import { dataPath } from '../paths.js';
import { readManifest } from '../sonar/snapshot.js';
import { dayIn, parseDay, todayIn } from './calendar.js';

export interface Handover {
  date: string;
  /** Where the date came from, for the report. */
  source: string;
}

/** The handover of a load or a verification of the cleaned snapshot `snapshotId`. */
export function resolveHandover(settings: { HANDOVER_DATE?: string; TIMEZONE: string; DATA_DIR: string }, snapshotId: string): Handover {
  if (settings.HANDOVER_DATE) {
    if (parseDay(settings.HANDOVER_DATE) === undefined)
      throw new Error(`HANDOVER_DATE "${settings.HANDOVER_DATE}" is not a date (YYYY-MM-DD)`);
    return { date: settings.HANDOVER_DATE, source: 'the HANDOVER_DATE setting' };
  }
  const cleaned = dataPath(settings.DATA_DIR, 'clean', snapshotId);
  const source = fs.existsSync(path.join(cleaned, 'manifest.json'))
    ? (readCleanManifest(cleaned).source_snapshot ?? snapshotId)
    : snapshotId;
  const dir = dataPath(settings.DATA_DIR, 'snapshots', source);
  if (fs.existsSync(path.join(dir, 'manifest.json'))) {
    const m = readManifest(dir);
    return { date: dayIn(new Date(m.started_at), settings.TIMEZONE), source: `the day snapshot ${m.id} was taken (${settings.TIMEZONE})` };
  }
  return { date: todayIn(settings.TIMEZONE), source: `today (${settings.TIMEZONE}): snapshot ${source} has no manifest to date it by` };
}
