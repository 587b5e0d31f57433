#!/usr/bin/env node
// The `sluice` command of the npm package (package.json "bin"): runs cli/main.ts on Node.js 24.
// Node strips TypeScript types itself, except in files under node_modules, which is where an
// installed package lives; so this registers a load hook that strips the types of this package's
// own .ts files with Node's stripTypeScriptTypes (the same transform), then starts the CLI.
import { readFileSync } from 'node:fs';
import { registerHooks, stripTypeScriptTypes } from 'node:module';
import { fileURLToPath } from 'node:url';

const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  console.error(`sluice needs Node.js 24 or newer; this is Node.js ${process.version}.`);
  process.exit(1);
}

// Both APIs are flagged experimental; their warning would be printed before every command.
const emitWarning = process.emitWarning;
process.emitWarning = (warning, ...rest) => {
  const type = typeof rest[0] === 'string' ? rest[0] : rest[0]?.type;
  if (type === 'ExperimentalWarning') return;
  emitWarning.call(process, warning, ...rest);
};

const packageRoot = new URL('../', import.meta.url).href;
registerHooks({
  load(url, context, nextLoad) {
    const inPackage =
      url.startsWith(packageRoot) && !url.slice(packageRoot.length).startsWith('node_modules/');
    if (inPackage && url.endsWith('.ts')) {
      const source = stripTypeScriptTypes(readFileSync(fileURLToPath(url), 'utf8'));
      return { format: 'module', source, shortCircuit: true };
    }
    return nextLoad(url, context);
  },
});

await import('./main.ts');
