// Redis commands as redis-cli would take them, one per line, and JSON shown readably.

export function quoteArg(arg: string): string {
  return /^[\w:.$*@/-]+$/.test(arg) ? arg : JSON.stringify(arg);
}

export function Commands({ commands }: { commands: readonly (readonly string[])[] }) {
  if (commands.length === 0) return <p class="muted">No commands.</p>;
  return <pre class="commands">{commands.map((c) => c.map(quoteArg).join(' ')).join('\n')}</pre>;
}

export function Json({ value }: { value: unknown }) {
  return <pre class="json">{value === undefined ? '—' : JSON.stringify(value, null, 2)}</pre>;
}
