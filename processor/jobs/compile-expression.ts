// Compiles an expression written in a job file, once, at load time. A syntax error names the
// file, line and column of the expression (plus the offset inside it), as does a call of an
// unknown function or with the wrong number of arguments (JMESPath and SQL).

import { SluiceError } from '../../common/errors.ts';
import type { JobDefinition } from '../../pipeline/load-jobs.ts';
import type { YamlPath } from '../../pipeline/yaml-document.ts';
import type { CompiledExpression, EvaluationLimits } from '../core/jobs/expression.ts';
import { ExpressionSyntaxError } from '../core/jobs/expression.ts';
import { compileJmespath } from './jmespath-expression.ts';
import jsonata from 'jsonata';
import { compileJsonata } from '../core/jobs/jsonata-expression.ts';
import { checkJsonataCalls } from '../core/jobs/jsonata-check.ts';
import { compileSql } from './sql-expression.ts';
import { readSqlExpression } from '../core/jobs/sql-tokens.ts';
import type { CacheSettings } from '../core/jobs/expression-cache.ts';
import { withCache } from '../core/jobs/expression-cache.ts';
import { jmespathFields } from './jmespath-expression.ts';

export interface ExpressionSite {
  readonly job: JobDefinition;
  readonly limits: EvaluationLimits;
}

export function compileAt(
  site: ExpressionSite,
  source: string,
  language: string | undefined,
  path: YamlPath,
  cache?: CacheSettings,
): CompiledExpression {
  const compiled = compileLanguage(site, source, language, path);
  if (cache?.enabled !== true) return compiled;
  return withCache(compiled, cache, fieldsRead(source, language));
}

/** The top-level fields an expression reads, when that can be known from its text. */
function fieldsRead(source: string, language: string | undefined): readonly string[] | undefined {
  if (language === 'sql') return readSqlExpression(source).columns;
  if (language === 'jmespath') return jmespathFields(source);
  return undefined;
}

function compileLanguage(
  site: ExpressionSite,
  source: string,
  language: string | undefined,
  path: YamlPath,
): CompiledExpression {
  const location = site.job.locate(path, 'value');
  try {
    if (language === 'sql') return compileSql(source, site.limits);
    if (language === 'jmespath') return compileJmespath(source, site.limits);
    const compiled = compileJsonata(source, site.limits);
    // Parsed once more (deploy time only) for the calls it makes.
    checkJsonataCalls(jsonata(source).ast());
    return compiled;
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
