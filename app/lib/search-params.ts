/** A page's query string as Next hands it over, and its first value for a name (empty counts as absent). */
export type SearchParams = Record<string, string | string[] | undefined>;

export const firstValue = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value) || undefined;
