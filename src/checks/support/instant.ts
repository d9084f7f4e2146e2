const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * Epoch ms of an ISO 8601 date or date-time as Graph writes them, or undefined. A date-time
 * without an offset is read as UTC (Graph's convention), never as the host's local time; a bare
 * date is midnight UTC. Loose forms Date.parse would accept ("1", "March 3") are refused.
 */
export function parseInstant(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  const match = ISO_INSTANT.exec(trimmed);
  if (match === null) return undefined;
  const withOffset = trimmed.includes('T') && match[1] === undefined ? `${trimmed}Z` : trimmed;
  const ms = Date.parse(withOffset.replace(',', '.'));
  return Number.isNaN(ms) ? undefined : ms;
}

/** `YYYY-MM-DD` of an instant, for messages. */
export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
