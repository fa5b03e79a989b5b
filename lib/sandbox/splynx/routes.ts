/**
 * Maps Splynx paths (relative to `/api/2.0/`) onto the CRUD engine. Most collections are plain
 * `coll` + `coll/{id}`; the rest are Splynx's composite keys (`{cid}--{id}`), per-customer
 * sub-collections and the two-step document upload.
 */
import type { Reply } from '../http.js';
import type { ParsedBody } from './body.js';
import type { CrudEngine, Scope } from './crud.js';
import type { EntityDef } from './entity.js';
import type { ListParams } from './query.js';
import { accepted, invalid, methodNotAllowed, notFound, ok } from './replies.js';
import { model, modelOfModule } from './model/index.js';
import { toBill } from './billing/to-bill.js';

export interface RouteRequest {
  method: string;
  params: ListParams;
  /** Parsed on demand so a GET never fails on a stray body. */
  body: () => ParsedBody;
  engine: CrudEngine;
}

type Handler = (m: string[], r: RouteRequest) => Reply;
interface Route {
  pattern: RegExp;
  methods: Record<string, Handler>;
}

const routes: Route[] = [];
const on = (path: string, methods: Record<string, Handler>) => routes.push({ pattern: new RegExp(`^${path}$`), methods });

const fields = (r: RouteRequest) => r.body().fields;

/** GET/HEAD/OPTIONS (+ POST unless read-only) on a collection, scoped by the path. */
function collectionMethods(def: () => EntityDef, scopeOf: (m: string[]) => Scope = () => ({}), writable = true) {
  const methods: Record<string, Handler> = {
    GET: (m, r) => r.engine.list(def(), r.params, scopeOf(m)),
    HEAD: (m, r) => r.engine.count(def(), r.params, scopeOf(m)),
    OPTIONS: (_m, r) => r.engine.options(def()),
  };
  if (writable) methods.POST = (m, r) => r.engine.create(def(), fields(r), scopeOf(m));
  return methods;
}

function itemMethods(def: () => EntityDef, idOf: (m: string[]) => string, scopeOf: (m: string[]) => Scope = () => ({}), writable = true) {
  const methods: Record<string, Handler> = { GET: (m, r) => r.engine.read(def(), idOf(m), scopeOf(m)) };
  if (writable) {
    methods.PUT = (m, r) => r.engine.update(def(), idOf(m), fields(r), scopeOf(m));
    methods.DELETE = (m, r) => r.engine.remove(def(), idOf(m), scopeOf(m));
  }
  return methods;
}

function crud(path: string, name: string) {
  const def = () => model(name);
  const writable = !def().readOnly;
  on(path, collectionMethods(def, undefined, writable));
  on(
    `${path}/(\\d+)`,
    itemMethods(def, (m) => m[1], undefined, writable),
  );
}

crud('admin/administration/partners', 'partners');
crud('admin/administration/locations', 'locations');
crud('admin/administration/administrators', 'administrators');
crud('admin/tariffs/internet', 'tariffs_internet');
crud('admin/tariffs/recurring', 'tariffs_recurring');
crud('admin/tariffs/one-time', 'tariffs_one_time');
crud('admin/tariffs/voice', 'tariffs_voice');
crud('admin/customers/customer', 'customers');
crud('admin/networking/ipv4', 'ipv4_networks');
crud('admin/networking/routers', 'routers');
crud('admin/inventory/vendors', 'inventory_vendors');
crud('admin/inventory/products', 'inventory_products');
crud('admin/inventory/items', 'inventory_items');
crud('admin/finance/invoices', 'invoices');
crud('admin/finance/payments', 'payments');
crud('admin/finance/transactions', 'transactions');
crud('admin/finance/payment-methods', 'payment_methods');
crud('admin/finance/transaction-categories', 'transaction_categories');
crud('admin/support/tickets', 'tickets');
crud('admin/support/ticket-messages', 'ticket_messages');
crud('admin/support/tickets-statuses', 'ticket_statuses');
crud('admin/support/tickets-groups', 'ticket_groups');
crud('admin/support/tickets-types', 'ticket_types');
crud('admin/config/labels', 'labels');

// Charging: what Splynx would charge a customer (preview, writes nothing) or charges it (generate).
on('admin/finance/to-bill/(\\d+)--(preview|generate)', {
  POST: (m, r) => toBill(r.engine, Number(m[1]), m[2] as 'preview' | 'generate', fields(r)),
});

// Stocks: the collection is plural, one stock is addressed in the singular (api-v2.apib, "Inventory Stock").
const stocks = () => model('inventory_stocks');
on('admin/config/inventory-stocks', collectionMethods(stocks));
on(
  'admin/config/inventory-stock/(\\d+)',
  itemMethods(stocks, (m) => m[1]),
);

// Taxes: a single tax comes back wrapped in an array, as the blueprint documents.
on(
  'admin/config/taxes',
  collectionMethods(() => model('taxes'), undefined, false),
);
on('admin/config/taxes/(\\d+)', {
  GET: (m, r) => {
    const reply = r.engine.read(model('taxes'), m[1]);
    return reply.status === 200 ? ok([reply.body]) : reply;
  },
});

// One row per customer, created with it; only read and updated.
for (const [path, name] of [
  ['customer-info', 'customer_info'],
  ['customer-billing', 'customer_billing'],
] as const) {
  const def = () => model(name);
  on(`admin/customers/${path}`, collectionMethods(def, undefined, false));
  on(`admin/customers/${path}/(\\d+)`, {
    GET: (m, r) => r.engine.read(def(), m[1]),
    PUT: (m, r) => r.engine.update(def(), m[1], fields(r)),
  });
}

// Services; customer 0 means "all customers" when listing.
for (const kind of ['internet', 'recurring', 'voice']) {
  const def = () => model(`${kind}_services`);
  const scope = (m: string[]): Scope => (m[1] === '0' ? {} : { customer_id: Number(m[1]) });
  const fixed = (m: string[]): Scope => ({ customer_id: Number(m[1]) });
  on(`admin/customers/customer/(\\d+)/${kind}-services`, {
    ...collectionMethods(def, scope, false),
    POST: (m, r) => r.engine.create(def(), fields(r), fixed(m)),
  });
  on(
    `admin/customers/customer/(\\d+)/${kind}-services--(\\d+)`,
    itemMethods(def, (m) => m[2], scope),
  );
}

// Notes: no PUT in Splynx; DELETE is a sandbox convenience so tests and rollbacks can clean up.
{
  const def = () => model('customer_notes');
  on('admin/customers/customer-notes', collectionMethods(def));
  on('admin/customers/customer-notes/(\\d+)--(\\d+)', {
    GET: (m, r) => r.engine.read(def(), m[2], { customer_id: Number(m[1]) }),
    DELETE: (m, r) => r.engine.remove(def(), m[2], { customer_id: Number(m[1]) }),
  });
}

// Documents: GET by *customer* id lists that customer's documents; PUT/DELETE take the document id.
{
  const def = () => model('customer_documents');
  on('admin/customers/customer-documents', collectionMethods(def));
  on('admin/customers/customer-documents/(\\d+)', {
    GET: (m, r) => r.engine.list(def(), r.params, { customer_id: Number(m[1]) }),
    PUT: (m, r) => r.engine.update(def(), m[1], fields(r)),
    DELETE: (m, r) => r.engine.remove(def(), m[1]),
  });
  on('admin/customers/customer-documents/(\\d+)--upload', {
    POST: (m, r) => {
      const doc = r.engine.find(def(), m[1]);
      if (!doc) return r.engine.missing(def(), m[1]);
      const file = r.body().files[0];
      if (!file) return invalid([{ field: 'file', message: 'File cannot be blank.' }]);
      r.engine.store.replace(def().name, {
        ...doc,
        filename_original: file.filename,
        filename_uploaded: `${doc.id}_${file.filename}`,
        updated_at: new Date().toISOString().slice(0, 19).replace('T', ' '),
      });
      return accepted();
    },
  });
}

// IPv4 addresses exist only as members of a network: no POST or DELETE.
{
  const def = () => model('ipv4_ips');
  const network = (r: RouteRequest, id: string) => r.engine.find(model('ipv4_networks'), id);
  on('admin/networking/ipv4-ip', collectionMethods(def, undefined, false));
  on('admin/networking/ipv4-ip/(\\d+)', {
    GET: (m, r) =>
      network(r, m[1])
        ? r.engine.list(def(), r.params, { ipv4_networks_id: Number(m[1]) })
        : r.engine.missing(model('ipv4_networks'), m[1]),
    HEAD: (m, r) => r.engine.count(def(), r.params, { ipv4_networks_id: Number(m[1]) }),
  });
  on('admin/networking/ipv4-ip/(\\d+)--(\\d+)', {
    GET: (m, r) => r.engine.read(def(), m[2], { ipv4_networks_id: Number(m[1]) }),
    PUT: (m, r) => r.engine.update(def(), m[2], fields(r), { ipv4_networks_id: Number(m[1]) }),
  });
}

// Additional-field definitions, addressed by module and name rather than id.
{
  const def = () => model('additional_fields');
  const byName = (r: RouteRequest, module: string, name: string) =>
    r.engine.store.find('additional_fields', (a) => a.module === module && a.name === name);
  const notDefined = (module: string, name: string) => notFound(`Additional field "${name}" not found in module "${module}"`);
  on(
    'admin/config/additional-fields/([a-z0-9_]+)',
    collectionMethods(def, (m) => ({ module: m[1] })),
  );
  on('admin/config/additional-fields/([a-z0-9_]+)--([A-Za-z0-9_]+)', {
    GET: (m, r) => {
      const af = byName(r, m[1], m[2]);
      return af ? r.engine.read(def(), af.id) : notDefined(m[1], m[2]);
    },
    PUT: (m, r) => {
      const af = byName(r, m[1], m[2]);
      return af ? r.engine.update(def(), af.id, fields(r)) : notDefined(m[1], m[2]);
    },
    DELETE: (m, r) => {
      const af = byName(r, m[1], m[2]);
      if (!af) return notDefined(m[1], m[2]);
      const reply = r.engine.remove(def(), af.id);
      const owner = modelOfModule(m[1]);
      if (owner)
        for (const row of r.engine.store.all(owner.name)) {
          const values = { ...((row.additional_attributes as Record<string, string>) ?? {}) };
          delete values[m[2]];
          r.engine.store.replace(owner.name, { ...row, additional_attributes: values });
        }
      return reply;
    },
  });
}

/** Answers one authenticated API request; `path` is relative to `/api/2.0/`. */
export function dispatch(path: string, r: RouteRequest): Reply {
  const clean = path.replace(/\/+$/, '');
  for (const route of routes) {
    const m = route.pattern.exec(clean);
    if (!m) continue;
    const handler = route.methods[r.method];
    return handler ? handler([...m], r) : methodNotAllowed(r.method);
  }
  return notFound(`Unknown API path "${clean}"`);
}
