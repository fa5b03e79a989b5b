/**
 * Fault injection for the sandboxes. A migration tool is only as good as its behaviour when
 * the network misbehaves, so every sandbox request can be delayed, refused, hung or cut.
 *
 * Spec syntax (comma separated, rates are probabilities 0..1):
 *   latency=50,jitter=10,5xx=0.05,429=0.02,hang=0.01,drop=0.01,commit-drop=0.01,commit-5xx=0,hang-ms=120000,seed=7
 * A key may be scoped to one sandbox: `splynx:5xx=0.05,sonar:429=0.1`. Unscoped keys apply to both.
 */
import { faker as baseFaker, Faker, en } from '@faker-js/faker';

export type FaultKind = 'none' | '5xx' | '429' | 'hang' | 'drop' | 'commit-drop' | 'commit-5xx';

export interface FaultSpec {
  /** Added to every request, in milliseconds. */
  latencyMs: number;
  /** Uniform extra delay 0..jitterMs on top of latencyMs. */
  jitterMs: number;
  /** Answer 500/502/503 before doing anything. */
  rate5xx: number;
  /** Answer 429 before doing anything. */
  rate429: number;
  /** Never answer; the socket is closed after hangMs. The client's timeout must fire. */
  rateHang: number;
  /** Cut the connection before doing anything. */
  rateDrop: number;
  /** Writes only: store the write, then cut the connection before the answer. */
  rateCommitDrop: number;
  /** Writes only: store the write, then answer 500 as if it failed. */
  rateCommit5xx: number;
  hangMs: number;
  /** Seed for the fault dice, so a failing run can be replayed. Unset: random. */
  seed?: number;
}

export const NO_FAULTS: FaultSpec = {
  latencyMs: 0,
  jitterMs: 0,
  rate5xx: 0,
  rate429: 0,
  rateHang: 0,
  rateDrop: 0,
  rateCommitDrop: 0,
  rateCommit5xx: 0,
  hangMs: 120_000,
};

const KEYS: Record<string, keyof FaultSpec> = {
  latency: 'latencyMs',
  'latency-ms': 'latencyMs',
  jitter: 'jitterMs',
  'jitter-ms': 'jitterMs',
  '5xx': 'rate5xx',
  '429': 'rate429',
  hang: 'rateHang',
  drop: 'rateDrop',
  'commit-drop': 'rateCommitDrop',
  'commit-5xx': 'rateCommit5xx',
  'hang-ms': 'hangMs',
  seed: 'seed',
};

/** Parses a spec string for one sandbox (`scope` = 'sonar' | 'splynx'), on top of `base`. */
export function parseFaultSpec(text: string | undefined, scope: string, base: FaultSpec = NO_FAULTS): FaultSpec {
  const spec: FaultSpec = { ...base };
  if (!text) return spec;
  for (const raw of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^(?:(sonar|splynx):)?([a-z0-9-]+)=([0-9.]+)$/i.exec(raw);
    if (!m) throw new Error(`Bad fault "${raw}": expected [sonar:|splynx:]key=number, keys: ${Object.keys(KEYS).join(', ')}`);
    const [, only, key, value] = m;
    if (only && only.toLowerCase() !== scope) continue;
    const field = KEYS[key.toLowerCase()];
    if (!field) throw new Error(`Unknown fault "${key}". Known: ${Object.keys(KEYS).join(', ')}`);
    const n = Number(value);
    if (field.startsWith('rate') && (n < 0 || n > 1)) throw new Error(`Fault rate ${key}=${value} must be between 0 and 1`);
    (spec as unknown as Record<string, number>)[field] = n;
  }
  const total = spec.rate5xx + spec.rate429 + spec.rateHang + spec.rateDrop + spec.rateCommitDrop + spec.rateCommit5xx;
  if (total > 1) throw new Error(`Fault rates add up to ${total}, more than 1`);
  return spec;
}

/** Holds the live spec of one sandbox and rolls the dice for each request. */
export class FaultController {
  private spec: FaultSpec;
  private rng: Faker;
  readonly injected: Record<FaultKind, number> = { none: 0, '5xx': 0, '429': 0, hang: 0, drop: 0, 'commit-drop': 0, 'commit-5xx': 0 };

  constructor(spec: FaultSpec = NO_FAULTS) {
    this.spec = spec;
    this.rng = this.makeRng(spec.seed);
  }

  get current(): FaultSpec {
    return { ...this.spec };
  }

  set(spec: FaultSpec): void {
    this.spec = { ...spec };
    this.rng = this.makeRng(spec.seed);
  }

  delayMs(): number {
    const { latencyMs, jitterMs } = this.spec;
    return latencyMs + (jitterMs > 0 ? this.rng.number.float({ min: 0, max: jitterMs }) : 0);
  }

  /** Picks this request's fate. Commit faults only apply to writes: a read has nothing to commit. */
  roll(isWrite: boolean): FaultKind {
    const s = this.spec;
    const table: Array<[FaultKind, number]> = [
      ['5xx', s.rate5xx],
      ['429', s.rate429],
      ['hang', s.rateHang],
      ['drop', s.rateDrop],
      ['commit-drop', isWrite ? s.rateCommitDrop : 0],
      ['commit-5xx', isWrite ? s.rateCommit5xx : 0],
    ];
    if (table.every(([, p]) => p === 0)) return 'none';
    let x = this.rng.number.float({ min: 0, max: 1 });
    for (const [kind, p] of table) {
      if (x < p) {
        this.injected[kind]++;
        return kind;
      }
      x -= p;
    }
    return 'none';
  }

  private makeRng(seed: number | undefined): Faker {
    const f = new Faker({ locale: [en] });
    f.seed(seed ?? baseFaker.number.int({ max: 2 ** 31 }));
    return f;
  }
}
