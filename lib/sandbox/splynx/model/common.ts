/** Values more than one part of the Splynx model uses. */
export const BILLING_TYPES = ['recurring', 'prepaid', 'prepaid_monthly'] as const;
export const CATEGORIES = ['person', 'company'] as const;
export const SERVICE_STATUSES = ['active', 'stopped', 'disabled', 'hidden', 'pending'] as const;
