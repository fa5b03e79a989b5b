/**
 * The order a run loads its entities in.
 *
 * - In sequence: one entity after another in plan order (lib/entities/index.ts). This is what
 *   concurrency 1 means, the seed tool's way.
 * - Pipelined: an entity starts as soon as every entity it must follow (its `dependsOn`, and the
 *   optional references in `after`) that is part of this run has finished. Independent entities
 *   (tariffs beside customers, inventory beside network) then share the Splynx client's request
 *   slots, so the slots stay busy while one entity drains its last few records, and members start
 *   the moment their owners are all in.
 *
 * Either way a dependency is complete before a dependant starts, so a reference always resolves to
 * a record that is already in Splynx. Once the run is halted (stop-on-error), nothing new starts.
 */
import type { EntityModule } from '../entities/types.js';

/** The entities `mod` must follow within a run: those it refers to, required or optional. */
export function mustFollow(mod: EntityModule): string[] {
  return [...new Set([...mod.dependsOn, ...(mod.after ?? [])])].filter((d) => d !== mod.name);
}

export interface ScheduleOptions {
  pipeline: boolean;
  /** True once the run must start nothing more. */
  halted(): boolean;
}

/** Loads `entities` with `load`; answers the outcomes of those that ran, in plan order. */
export async function runScheduled<T extends { stopped: boolean }>(
  entities: EntityModule[],
  load: (mod: EntityModule) => Promise<T>,
  opts: ScheduleOptions,
): Promise<T[]> {
  const order = new Map(entities.map((e, i) => [e.name, i]));
  const waitsFor = new Map(entities.map((e) => [e.name, mustFollow(e).filter((d) => order.has(d))]));
  for (const e of entities) {
    // Plan order already puts dependencies first; a plan that does not is a bug, not a schedule.
    const late = waitsFor.get(e.name)!.find((d) => order.get(d)! > order.get(e.name)!);
    if (late) throw new Error(`${e.name} must follow ${late}, which comes later in the plan: fix the order in lib/entities/index.ts`);
  }
  const results = new Map<string, T>();
  const inPlanOrder = () => entities.filter((e) => results.has(e.name)).map((e) => results.get(e.name)!);

  if (!opts.pipeline) {
    for (const mod of entities) {
      if (opts.halted()) break;
      const outcome = await load(mod);
      results.set(mod.name, outcome);
      if (outcome.stopped) break;
    }
    return inPlanOrder();
  }

  const started = new Set<string>();
  return new Promise<T[]>((resolve, reject) => {
    let running = 0;
    // An unexpected error (not a record's, those are outcomes): start nothing more, let the
    // running entities finish their records, then report it.
    let error: { e: unknown } | null = null;
    const ready = (mod: EntityModule) =>
      !started.has(mod.name) && waitsFor.get(mod.name)!.every((d) => results.has(d) && !results.get(d)!.stopped);
    const startReady = () => {
      if (!error && !opts.halted()) {
        for (const mod of entities.filter(ready)) {
          started.add(mod.name);
          running++;
          load(mod)
            .then(
              (outcome) => results.set(mod.name, outcome),
              (e: unknown) => void (error ??= { e }),
            )
            .finally(() => {
              running--;
              startReady();
            });
        }
      }
      if (running === 0) {
        if (error) reject(error.e);
        else resolve(inPlanOrder());
      }
    };
    startReady();
  });
}
