/**
 * The one CRUD engine behind every collection. A route hands it an entity definition, a `scope`
 * (attributes fixed by the path, such as the customer of `customer/{cid}/internet-services`) and
 * the request; the definition decides everything else.
 */
import type { Reply } from '../http.js';
import { additionalOut, afDefinitions, applyAdditional } from './additional-fields.js';
import type { EntityDef, FieldError, HookContext } from './entity.js';
import { fieldTitle, type FieldDef } from './fields.js';
import { orderAndPage, QueryError, search, type ListParams, type Searchable } from './query.js';
import { accepted, badInput, created, errorReply, invalid, noContent, notFound, ok } from './replies.js';
import { model, SPLYNX_MODEL } from './model/index.js';
import type { Row, SplynxStore } from './store.js';
import { buildRow } from './validate.js';

export type Scope = Record<string, unknown>;

const OPTION_TYPES: Record<FieldDef['type'], string> = {
  string: 'string',
  integer: 'integer',
  float: 'float',
  boolean: 'boolean',
  date: 'date',
  datetime: 'datetime',
  array: 'array',
  email: 'email',
  enum: 'enum',
  ipv4: 'string',
  object: 'array',
};

/** Splynx returns numbers as strings: ids "12", money "10.0000", flags "0"/"1". */
function formatValue(f: FieldDef, v: unknown): unknown {
  if (v === undefined || v === null) return f.type === 'array' ? [] : '';
  switch (f.type) {
    case 'float':
      return f.decimals !== undefined ? Number(v).toFixed(f.decimals) : String(v);
    case 'boolean':
      return Number(v) ? '1' : '0';
    case 'array':
      return (v as unknown[]).map(String);
    case 'object':
      return v;
    default:
      return String(v);
  }
}

export class CrudEngine {
  constructor(
    readonly store: SplynxStore,
    private readonly clock: () => Date,
  ) {}

  context(): HookContext {
    const ctx: HookContext = {
      store: this.store,
      now: this.clock(),
      create: (name, input, fixed) => {
        const r = this.insert(model(name), input, fixed ?? {}, ctx);
        if ('errors' in r) throw new Error(`sandbox built an invalid ${name}: ${JSON.stringify(r.errors)}`);
        return r.row;
      },
    };
    return ctx;
  }

  searchable(def: EntityDef): Searchable {
    const main = new Set(['id', ...def.fields.filter((f) => !f.virtual && !f.writeOnly && !f.detailOnly).map((f) => f.name)]);
    const additional = new Set(def.afModule ? afDefinitions(this.store, def.afModule).map((a) => String(a.name)) : []);
    return { main, additional };
  }

  /** The GET shape of a row; `detail` for a single GET, which also shows `detailOnly` fields. */
  present(def: EntityDef, row: Row, ctx: HookContext = this.context(), detail = false): Record<string, unknown> {
    const out: Record<string, unknown> = { id: String(row.id) };
    for (const f of def.fields) if (!f.writeOnly && !f.virtual && (detail || !f.detailOnly)) out[f.name] = formatValue(f, row[f.name]);
    if (def.afModule) out.additional_attributes = additionalOut(this.store, def.afModule, row);
    def.hooks?.present?.(row, out, ctx);
    return out;
  }

  private inScope(row: Row, scope: Scope): boolean {
    return Object.entries(scope).every(([k, v]) => row[k] === v);
  }

  private matching(def: EntityDef, params: ListParams, scope: Scope): Row[] {
    const can = this.searchable(def);
    const rows = this.candidates(def, params, scope, can).filter((r) => this.inScope(r, scope));
    return search(rows, params, can);
  }

  /**
   * The rows a search can match, from the store's index on one attribute it fixes (the path's
   * customer, else a plain `attribute = value` condition), or every row when it fixes none. The
   * search itself still tests each row, so this only decides how many it has to test.
   */
  private candidates(def: EntityDef, params: ListParams, scope: Scope, can: Searchable): Row[] {
    const fixed = Object.entries(scope)[0];
    if (fixed) return this.store.byValue(def.name, fixed[0], fixed[1]);
    const plain = (group: unknown, known: Set<string>) =>
      group && typeof group === 'object'
        ? Object.entries(group as Record<string, unknown>).find(
            ([name, spec]) => known.has(name) && (typeof spec === 'string' || typeof spec === 'number'),
          )
        : undefined;
    const main = plain(params.main_attributes, can.main);
    if (main) return this.store.byValue(def.name, main[0], main[1]);
    const additional = plain(params.additional_attributes, can.additional);
    if (additional) return this.store.byValue(def.name, `+${additional[0]}`, additional[1]);
    return this.store.all(def.name);
  }

  private guardQuery(fn: () => Reply): Reply {
    try {
      return fn();
    } catch (e) {
      if (e instanceof QueryError) return badInput(e.message);
      throw e;
    }
  }

  list(def: EntityDef, params: ListParams, scope: Scope = {}): Reply {
    return this.guardQuery(() => {
      const rows = orderAndPage(this.matching(def, params, scope), params, this.searchable(def));
      const ctx = this.context();
      return ok(rows.map((r) => this.present(def, r, ctx)));
    });
  }

  count(def: EntityDef, params: ListParams, scope: Scope = {}): Reply {
    return this.guardQuery(() => ({
      status: 204,
      headers: {
        'X-total-count': String(this.matching(def, params, scope).length),
        'Access-Control-Expose-Headers': 'X-total-count',
      },
    }));
  }

  options(def: EntityDef): Reply {
    const attributes = [
      { name: 'id', title: 'ID', type: 'integer', required: false },
      ...def.fields
        .filter((f) => !f.virtual)
        .map((f) => ({ name: f.name, title: fieldTitle(f), type: OPTION_TYPES[f.type], required: !!(f.required || f.requiredOnCreate) })),
    ];
    const afDef = model('additional_fields');
    const additional = def.afModule ? afDefinitions(this.store, def.afModule).map((a) => this.present(afDef, a)) : [];
    return ok({ attributes, additional_attributes: additional });
  }

  find(def: EntityDef, id: unknown, scope: Scope = {}): Row | undefined {
    const row = this.store.get(def.name, id);
    return row && this.inScope(row, scope) ? row : undefined;
  }

  read(def: EntityDef, id: unknown, scope: Scope = {}): Reply {
    const row = this.find(def, id, scope);
    return row ? ok(this.present(def, row, this.context(), true)) : this.missing(def, id);
  }

  missing(def: EntityDef, id: unknown): Reply {
    return notFound(`${def.name} with id ${id} not found`);
  }

  insert(def: EntityDef, input: Record<string, unknown>, fixed: Scope, ctx = this.context()): { row: Row } | { errors: FieldError[] } {
    const { row, errors } = buildRow(def, input, ctx, undefined, fixed);
    errors.push(...applyAdditional(def, input.additional_attributes, row, ctx, true));
    errors.push(...(def.hooks?.validate?.(row, ctx, undefined, input) ?? []));
    if (errors.length) return { errors };
    const { id: _ignored, ...values } = row;
    const saved = this.store.insert(def.name, 'id' in fixed ? row : values);
    def.hooks?.afterCreate?.(saved, ctx, input);
    return { row: saved };
  }

  create(def: EntityDef, input: Record<string, unknown>, fixed: Scope = {}): Reply {
    const r = this.insert(def, input, fixed);
    if ('errors' in r) return invalid(r.errors);
    return created(def.hooks?.createdBody?.(r.row) ?? { id: r.row.id });
  }

  update(def: EntityDef, id: unknown, input: Record<string, unknown>, scope: Scope = {}): Reply {
    const old = this.find(def, id, scope);
    if (!old) return this.missing(def, id);
    const ctx = this.context();
    const { row, errors } = buildRow(def, input, ctx, old, scope);
    if ('additional_attributes' in input) errors.push(...applyAdditional(def, input.additional_attributes, row, ctx, false));
    errors.push(...(def.hooks?.validate?.(row, ctx, old, input) ?? []));
    if (errors.length) return invalid(errors);
    this.store.replace(def.name, row);
    def.hooks?.afterUpdate?.(row, old, ctx);
    return accepted();
  }

  /** Rows elsewhere that point at `row` through a reference field. */
  private referrers(def: EntityDef, row: Row): Array<{ entity: EntityDef; field: FieldDef; rows: Row[] }> {
    const found = [];
    for (const other of SPLYNX_MODEL.values()) {
      for (const f of other.fields.filter((x) => x.ref === def.name)) {
        const rows = this.store.where(other.name, (r) =>
          Array.isArray(r[f.name]) ? (r[f.name] as unknown[]).includes(row.id) : r[f.name] === row.id,
        );
        if (rows.length) found.push({ entity: other, field: f, rows });
      }
    }
    return found;
  }

  remove(def: EntityDef, id: unknown, scope: Scope = {}): Reply {
    const row = this.find(def, id, scope);
    if (!row) return this.missing(def, id);
    const ctx = this.context();
    const refusal = this.deletionRefusal(def, row, ctx);
    if (refusal) return errorReply(400, 'ENTITY_CANNOT_BE_DELETED', refusal);
    this.deleteRow(def, row, ctx);
    return noContent();
  }

  private deletionRefusal(def: EntityDef, row: Row, ctx: HookContext): string | undefined {
    const own = def.hooks?.beforeDelete?.(row, ctx);
    if (own) return own;
    for (const child of def.cascade ?? []) {
      for (const r of this.store.where(child, () => true)) {
        const childDef = model(child);
        if (!childDef.fields.some((f) => f.ref === def.name && r[f.name] === row.id)) continue;
        const reason = this.deletionRefusal(childDef, r, ctx);
        if (reason) return reason;
      }
    }
    const blocking = this.referrers(def, row).filter(
      ({ entity: e }) => !(def.cascade ?? []).includes(e.name) && !(def.detach ?? []).includes(e.name) && e.name !== def.name,
    );
    const selfRefs = this.referrers(def, row).filter(({ entity: e }) => e.name === def.name);
    const all = [...blocking, ...selfRefs.filter(({ rows }) => rows.some((r) => r.id !== row.id))];
    if (!all.length) return undefined;
    const what = all.map(({ entity: e, field, rows }) => `${rows.length} ${e.name} (${field.name})`).join(', ');
    return `${def.name} ${row.id} is still used by ${what}`;
  }

  private deleteRow(def: EntityDef, row: Row, ctx: HookContext): void {
    for (const child of def.cascade ?? []) {
      const childDef = model(child);
      const refFields = childDef.fields.filter((f) => f.ref === def.name);
      for (const r of this.store.where(child, (c) => refFields.some((f) => c[f.name] === row.id))) this.deleteRow(childDef, r, ctx);
    }
    for (const other of def.detach ?? []) {
      const refFields = model(other).fields.filter((f) => f.ref === def.name);
      for (const r of this.store.where(other, (c) => refFields.some((f) => c[f.name] === row.id))) {
        const copy = { ...r };
        for (const f of refFields) if (copy[f.name] === row.id) copy[f.name] = 0;
        this.store.replace(other, copy);
      }
    }
    this.store.delete(def.name, row.id);
    def.hooks?.afterDelete?.(row, ctx);
  }
}
