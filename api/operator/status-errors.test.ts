// The errors of the status report: configuration, crash loops from three failures on, pause.
import { describe, expect, it } from 'vitest';
import { statusErrors } from './status-errors.ts';

describe('statusErrors', () => {
  it('reports nothing for a healthy pipeline', () => {
    const children = [
      { type: 'collector' as const, failures: 2, message: 'exited with signal SIGKILL' },
      { type: 'processor' as const, failures: 0, message: undefined },
    ];
    expect(statusErrors({ configError: undefined, children, paused: false })).toEqual([]);
  });

  it('reports a bad config, a crash loop and a pause, in that order', () => {
    const configError = { code: 'CONFIG_INVALID', message: 'bad' };
    const children = [{ type: 'processor' as const, failures: 3, message: 'exited with code 1' }];
    const errors = statusErrors({ configError, children, paused: true });
    expect(errors.map((e) => e.code)).toEqual([
      'CONFIG_INVALID',
      'PROCESSOR_CRASH_LOOP',
      'BACKPRESSURE',
    ]);
    expect(errors[1]?.message).toBe('The processor failed 3 times in a row: exited with code 1');
  });
});
