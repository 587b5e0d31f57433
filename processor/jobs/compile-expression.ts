// Compiles an expression written in a job file, once, at load time. A syntax error names the
// file, line and column of the expression (plus the offset inside it); `language: sql` is
// refused with a clear message.

import { SluiceError } from '../../common/errors.ts';
import type { JobDefinition } from '../../pipeline/load-jobs.ts';
import type { YamlPath } from '../../pipeline/yaml-document.ts';
import type { CompiledExpression, EvaluationLimits } from './expression.ts';
import { ExpressionSyntaxError } from './expression.ts';
import { compileJmespath } from './jmespath-expression.ts';
import { compileJsonata } from './jsonata-expression.ts';

export interface ExpressionSite {
  readonly job: JobDefinition;
  readonly limits: EvaluationLimits;
}

export function compileAt(
  site: ExpressionSite,
  source: string,
  language: string | undefined,
  path: YamlPath,
): CompiledExpression {
  const location = site.job.locate(path, 'value');
  try {
    if (language === 'sql') {
      throw new SluiceError('CONFIG_UNSUPPORTED', 'SQL expressions are not supported by Sluice', {
        location,
        hint: 'write the expression in jsonata (the default) or jmespath',
      });
    }
    return language === 'jmespath'
      ? compileJmespath(source, site.limits)
      : compileJsonata(source, site.limits);
  } catch (error) {
    if (!(error instanceof ExpressionSyntaxError)) throw error;
    const at = error.position === undefined ? '' : ` (at character ${error.position})`;
    throw new SluiceError(
      'CONFIG_INVALID',
      `invalid ${language ?? 'jsonata'} expression${at}: ${error.message}`,
      {
        path: path.join('.'),
        location,
        ...(language === undefined
          ? { hint: 'expressions are JSONata unless the block says language: jmespath' }
          : {}),
        cause: error,
      },
    );
  }
}
