// The two documented renderings of column values (docs/types.md): Sluice's exact ISO text,
// or RDI's (dates and times as epoch numbers, booleans as 1/0) for drop-in compatibility.
// Chosen per pipeline; the converters and renderers take it as a parameter.

export type TypeRendering = 'sluice' | 'rdi';

export const TYPE_RENDERINGS: readonly TypeRendering[] = ['sluice', 'rdi'];

export const DEFAULT_TYPE_RENDERING: TypeRendering = 'sluice';
