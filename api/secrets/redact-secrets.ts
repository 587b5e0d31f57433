// Secrets are write-only: a message that may quote a resolved `${NAME}` (a driver's error, a
// host that does not resolve, a validation problem) passes through here before it reaches a
// response or a log line. Every stored value is replaced, in the spellings a message may give
// it (as is, JSON-escaped, URL-encoded, any letter case), longest first. Pure.

export const REDACTED_VALUE = '<redacted>';

export type Redactor = (text: string) => string;

export function secretRedactor(values: Iterable<string>): Redactor {
  const spellings = new Set<string>();
  for (const value of values) {
    if (value.length === 0) continue;
    spellings.add(value);
    spellings.add(JSON.stringify(value).slice(1, -1));
    spellings.add(encodeURIComponent(value));
  }
  if (spellings.size === 0) return (text) => text;
  const alternatives = [...spellings]
    .sort((a, b) => b.length - a.length)
    .map((spelling) => spelling.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const pattern = new RegExp(alternatives.join('|'), 'gi');
  return (text) => text.replace(pattern, REDACTED_VALUE);
}
