// Writes an application.properties file as Debezium Server (Quarkus, SmallRye Config) reads it:
// java.util.Properties escaping, then SmallRye's `${…}` expansion, which applies to every value
// and again to the value an expression resolves to. Secrets appear only as `${ENV_NAME}`.

/** A property value: literal text, or a reference to an environment variable of the process. */
export type PropertyValue = { readonly literal: string } | { readonly env: string };

export function literal(text: string | number | boolean): PropertyValue {
  return { literal: String(text) };
}

export function fromEnv(name: string): PropertyValue {
  return { env: name };
}

/**
 * Protects text from SmallRye Config, which reads `${…}` as an expression, `$$` as `$` and
 * `\$` as `$` (a backslash not before `$` is kept). Prefixing every `$` with a backslash keeps
 * any text as is, including a literal `\$`. Needed for literal values and for the values of the
 * environment variables an expression refers to (SmallRye expands those again).
 */
export function escapeExpressionText(text: string): string {
  return text.replaceAll('$', '\\$');
}

/** java.util.Properties escaping of a key (every space, `=`, `:`, `#`, `!` and `\`). */
export function escapePropertyKey(key: string): string {
  return escapeProperties(key, true);
}

/** java.util.Properties escaping of a value (like Properties.store: only a leading space). */
export function escapePropertyValue(value: string): string {
  return escapeProperties(value, false);
}

function escapeProperties(text: string, isKey: boolean): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text.charAt(i);
    const code = text.charCodeAt(i);
    switch (ch) {
      case '\\':
        out += '\\\\';
        break;
      case ' ':
        out += i === 0 || isKey ? '\\ ' : ' ';
        break;
      case '\t':
        out += '\\t';
        break;
      case '\n':
        out += '\\n';
        break;
      case '\r':
        out += '\\r';
        break;
      case '\f':
        out += '\\f';
        break;
      case '=':
      case ':':
      case '#':
      case '!':
        out += `\\${ch}`;
        break;
      default:
        // Non-ASCII as \uXXXX (UTF-16 units): the file then reads the same as ISO-8859-1 or UTF-8.
        out += code < 0x20 || code > 0x7e ? `\\u${code.toString(16).padStart(4, '0')}` : ch;
    }
  }
  return out;
}

/** One `key=value` line; an env reference is written as a SmallRye expression. */
export function propertyLine(key: string, value: PropertyValue): string {
  const text = 'env' in value ? `\${${value.env}}` : escapeExpressionText(value.literal);
  return `${escapePropertyKey(key)}=${escapePropertyValue(text)}`;
}

/** The whole file: comment lines, then one line per property in insertion order. */
export function formatProperties(
  comments: readonly string[],
  properties: ReadonlyMap<string, PropertyValue>,
): string {
  // A line break inside a comment would start a property line.
  const header = comments.map((line) => `# ${line.replace(/[\r\n]+/g, ' ')}`);
  const lines = [...properties].map(([key, value]) => propertyLine(key, value));
  return [...header, ...lines].join('\n') + '\n';
}
