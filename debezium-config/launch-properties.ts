// Reads single values back out of a rendered application.properties text, e.g. the HTTP
// port Quarkus will listen on. Handles the common `.properties` forms, not line continuations.

/** The value of `key` (the last one wins, as in java.util.Properties), or undefined. */
export function propertyValue(properties: string, key: string): string | undefined {
  let value: string | undefined;
  for (const raw of properties.split(/\r?\n/)) {
    const line = raw.trimStart();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    const match = /^((?:\\.|[^=:\s\\])+)\s*[=:\s]\s*(.*)$/.exec(line);
    if (match?.[1] === key) value = (match[2] ?? '').trimEnd();
  }
  return value;
}
