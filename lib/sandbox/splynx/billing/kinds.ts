/** Which store tables hold each kind of service and its tariffs (the to-bill answer's keys). */
import type { ServiceKind } from './charge.js';

export const KIND_TABLES: Record<ServiceKind, { services: string; tariffs: string }> = {
  internet: { services: 'internet_services', tariffs: 'tariffs_internet' },
  custom: { services: 'recurring_services', tariffs: 'tariffs_recurring' },
  voice: { services: 'voice_services', tariffs: 'tariffs_voice' },
};
