/**
 * A transform context that notes what a transform read while it made a payload: each mapping row
 * (which Sonar value became which Splynx value, and why) and each reference resolved through the
 * ledger (which Sonar id became which Splynx id). The preview pairs fields by it (`status` ←
 * `account_status_id`), and explain lists the mapping rows a record used.
 */
import path from 'node:path';
import type { TransformContext } from '../entities/types.js';

export interface Translation {
  /** `mapping account-status` or `ref partners`. */
  via: string;
  sonar_value: string;
  splynx_value: string;
}

export interface MappingUse {
  mapping: string;
  sonar_id: string;
  sonar_value: string;
  /** The column read (`splynx_value`, or a further decision such as `services`). */
  column: string;
  value: string;
  reason: string;
  file: string;
}

export function recordingContext(ctx: TransformContext, seen: { mappings: MappingUse[]; translations: Translation[] }): TransformContext {
  return {
    ...ctx,
    ref(entity, sonarId) {
      const id = ctx.ref(entity, sonarId);
      seen.translations.push({ via: `ref ${entity}`, sonar_value: String(sonarId), splynx_value: String(id) });
      return id;
    },
    optionalRef(entity, sonarId) {
      const id = ctx.optionalRef(entity, sonarId);
      if (id !== null) seen.translations.push({ via: `ref ${entity}`, sonar_value: String(sonarId), splynx_value: String(id) });
      return id;
    },
    mapping(name) {
      const table = ctx.mapping(name);
      const note = (sonarId: unknown, column: string, value: string) => {
        const row = table.all().find((r) => r.sonar_id === String(sonarId));
        seen.translations.push({ via: `mapping ${name}`, sonar_value: String(sonarId), splynx_value: value });
        seen.mappings.push({
          mapping: name,
          sonar_id: String(sonarId),
          sonar_value: row?.sonar_value ?? '',
          column,
          value,
          reason: String((column === 'splynx_value' ? row?.reason : row?.[`${column}_reason`]) ?? ''),
          file: path.relative(process.cwd(), table.file) || table.file,
        });
      };
      return new Proxy(table, {
        get(target, prop, receiver) {
          if (prop === 'lookup')
            return (sonarId: unknown) => {
              const v = target.lookup(sonarId);
              note(sonarId, 'splynx_value', v);
              return v;
            };
          if (prop === 'lookupColumn')
            return (sonarId: unknown, column: string) => {
              const v = target.lookupColumn(sonarId, column);
              note(sonarId, column, v);
              return v;
            };
          const v = Reflect.get(target, prop, receiver);
          return typeof v === 'function' ? v.bind(target) : v;
        },
      });
    },
  };
}
