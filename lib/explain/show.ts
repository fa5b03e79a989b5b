/** An explanation (lib/explain) as the notebook's tables: one show() per step of the journey. */
import { show } from '../frames/show.js';
import type { Explanation } from './index.js';

export function showExplanation(x: Explanation): void {
  show(x.snapshot, { title: `1. Sonar ${x.table} ${x.id}, as snapshot ${x.snapshot_id} holds it`, maxRows: 0, maxCellWidth: 60 });
  show(x.cleaning, { title: `2. What cleaning changed (${x.cleaning.length})`, maxRows: 0 });
  show(x.corrections, { title: `   and the analyst's corrections (${x.corrections.length})`, maxRows: 0 });
  for (const e of x.entities) {
    const where = e.ledger ? `${e.ledger.state}${e.splynx_id ? `, Splynx id ${e.splynx_id}` : ''}` : 'never loaded';
    show(
      [
        {
          entity: e.entity,
          endpoint: e.endpoint,
          selected: e.selected,
          ledger: where,
          error: e.ledger?.error ?? '',
          splynx: e.splynx_note,
        },
      ],
      { title: `${e.entity}` },
    );
    show(e.mappings, {
      title: `3. ${e.entity}: mapping rows used (${e.mappings.length})`,
      columns: ['mapping', 'sonar_id', 'sonar_value', 'column', 'value', 'reason'],
      maxRows: 0,
    });
    if (e.payload_error) console.log(`4. ${e.entity}: no payload (${e.payload_error})`);
    else show(e.payload, { title: `4. ${e.entity}: the payload (credentials as ***)`, maxRows: 0, maxCellWidth: 60 });
    show(e.events, { title: `5. ${e.entity}: ledger events (${e.events.length})`, maxRows: 0 });
    if (e.splynx_now.length)
      show(e.splynx_now, { title: `6. ${e.entity}: what Splynx holds now (${e.splynx_note})`, maxRows: 0, maxCellWidth: 60 });
  }
}
