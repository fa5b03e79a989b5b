/** An explanation (lib/explain) as plain text tables, for `migrate.ts explain`. */
import { renderText } from '../frames/show.js';
import type { Explanation } from './index.js';

export function explanationText(x: Explanation): string {
  const parts: string[] = [];
  const table = (rows: object[], title: string, columns?: string[]) =>
    parts.push(rows.length ? renderText(rows, { title, maxRows: 0, maxCellWidth: 60, columns }) : `${title}: none`);
  table(x.snapshot, `Sonar ${x.table} ${x.id} in snapshot ${x.snapshot_id}`);
  table(x.cleaning, 'What cleaning changed');
  table(x.corrections, "The analyst's corrections (data/corrections/)");
  for (const e of x.entities) {
    parts.push(`\n== ${e.entity} (${e.endpoint})${e.selected ? '' : ': not taken by this entity (its selection leaves it out)'}`);
    table(e.mappings, 'Mapping rows used', ['mapping', 'sonar_id', 'sonar_value', 'column', 'value', 'reason', 'file']);
    if (e.payload_error) parts.push(`Payload: none (${e.payload_error})`);
    else table(e.payload, 'Payload (credentials as ***)');
    parts.push(
      e.ledger
        ? `Ledger: ${e.ledger.state}${e.ledger.splynx_id ? `, Splynx id ${e.ledger.splynx_id}` : ''}, run ${e.ledger.run_id ?? '—'}${e.ledger.error ? `; error: ${e.ledger.error}` : ''}`
        : 'Ledger: no row (never loaded)',
    );
    table(e.events, 'Ledger events');
    if (e.splynx_now.length) table(e.splynx_now, `Splynx now: ${e.splynx_note}`);
    else parts.push(`Splynx: ${e.splynx_note}`);
  }
  return parts.join('\n');
}
