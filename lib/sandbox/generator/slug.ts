/** Lower-case letters and digits only: how names become usernames and email domains. */
export const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '');
