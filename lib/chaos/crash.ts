/**
 * Crash and resume: the headless migration in a child process, killed with SIGKILL at random
 * points and started again each time, then run to the end.
 *
 * Where to kill is chosen two ways, because both kinds of moment matter:
 * - most kills wait for a random number of new ledger events (a record marked pending, created,
 *   settled…), read from the ledger itself while the child writes it: the kill then falls in the
 *   middle of real work, between a `pending` mark and the answer, or between the answer and the
 *   id being recorded, and every resume makes some progress;
 * - the others fall at a random time after the start: while the notebooks are compiled, the
 *   mapping tables read, the `sonar_id` fields checked.
 * The number of events to wait for is spread so the kills cover the whole migration.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { ENTITIES, type EntityModule, type Row } from '../entities/index.js';
import type { TransformContext } from '../entities/types.js';
import type { Child, ChildResult } from './child.js';

export interface CrashOptions {
  /** Starts the command under test (a fresh child each time). */
  start(): Child;
  ledgerFile: string;
  kills: number;
  /** About how many ledger events the whole migration writes (see expectedEvents). */
  expectedEvents: number;
  /** Share of kills at a random time rather than after ledger events (default 0.2). */
  timedShare?: number;
  /** Longest delay of a timed kill, in ms (default 4000). */
  maxDelayMs?: number;
  random?: () => number;
  onKill?(k: KillRecord): void;
}

export interface KillRecord {
  n: number;
  how: 'events' | 'timed';
  afterMs: number;
  /** Ledger events the killed child had written. */
  events: number;
}

export interface CrashOutcome {
  /** SIGKILLs that hit a running migration. */
  kills: KillRecord[];
  /** Children that ended by themselves before their kill point (not counted as kills). */
  finishedEarly: number;
  /** The last, uninterrupted run. */
  final: ChildResult;
  eventsTotal: number;
}

/** Ledger events a full migration writes: a create is marked pending, then created; an attach only once. */
export function expectedEvents(tables: Record<string, Row[]>, ctx: TransformContext, entities: EntityModule[] = ENTITIES): number {
  let n = 0;
  for (const mod of entities) {
    const selected = (tables[mod.source] ?? []).filter((r) => mod.select?.(r, ctx) ?? true).length;
    n += selected * (mod.attachTo ? 1 : 2);
  }
  return n;
}

function eventCount(file: string): number {
  if (!fs.existsSync(file)) return 0;
  const db = new Database(file, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 2000');
    const has = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'events'").get();
    return has ? (db.prepare('SELECT COALESCE(MAX(seq), 0) AS n FROM events').get() as { n: number }).n : 0;
  } finally {
    db.close();
  }
}

export async function crashAndResume(opts: CrashOptions): Promise<CrashOutcome> {
  const random = opts.random ?? Math.random;
  const kills: KillRecord[] = [];
  let finishedEarly = 0;
  while (kills.length < opts.kills) {
    const before = eventCount(opts.ledgerFile);
    const killsLeft = opts.kills - kills.length;
    const remaining = Math.max(killsLeft * 4, opts.expectedEvents - before);
    const timed = random() < (opts.timedShare ?? 0.2);
    // Spread what is left over the kills still to come, so the last one still falls mid-migration.
    const target = before + 1 + Math.floor(random() * Math.max(2, (1.6 * remaining) / (killsLeft + 1)));
    const delay = 100 + Math.floor(random() * (opts.maxDelayMs ?? 4000));
    const started = Date.now();
    const child = opts.start();
    let ended = false;
    void child.done.then(() => (ended = true));
    while (!ended) {
      await sleep(timed ? 10 : 15);
      const now = Date.now() - started;
      const events = timed ? 0 : safeCount(opts.ledgerFile);
      if (timed ? now >= delay : events >= target) {
        if (child.kill()) {
          const k: KillRecord = {
            n: kills.length + 1,
            how: timed ? 'timed' : 'events',
            afterMs: now,
            events: Math.max(0, safeCount(opts.ledgerFile) - before),
          };
          await child.done;
          kills.push(k);
          opts.onKill?.(k);
        }
        break;
      }
    }
    const result = await child.done;
    if (result.signal !== 'SIGKILL') {
      finishedEarly++;
      // A migration that finished before its kill point has nothing left to interrupt.
      if (finishedEarly > opts.kills)
        throw new Error(`the migration keeps finishing before it can be killed (${kills.length} kills so far)`);
    }
  }
  const final = await opts.start().done;
  return { kills, finishedEarly, final, eventsTotal: safeCount(opts.ledgerFile) };
}

function safeCount(file: string): number {
  try {
    return eventCount(file);
  } catch {
    // The child holds a write lock for a moment: count again next time.
    return 0;
  }
}
