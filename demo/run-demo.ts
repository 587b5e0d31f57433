// Entry point of the local demo (scripts/demo.sh): `node demo/run-demo.ts [--changes <n>]
// [--exit]`. Runs the demo (demo-session.ts) in a session of its own, so that Ctrl-C in the
// terminal reaches only this process — not every server at once — and passes it on: the demo
// then stops the operator (which stops Debezium Server and the processor), the API and the
// servers in order, and removes its folder.

import { spawn } from 'node:child_process';
import { join } from 'node:path';

const session = spawn(
  process.execPath,
  [join(import.meta.dirname, 'demo-session.ts'), ...process.argv.slice(2)],
  // The IPC channel tells the session when this process is gone, however it ended.
  { detached: true, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
);

let asked = 0;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (++asked > 1) console.error('Still stopping…');
    session.kill('SIGINT');
  });
}
session.once('error', (error) => {
  console.error(`cannot start the demo: ${error.message}`);
  process.exit(1);
});
session.once('exit', (code, signal) => {
  process.exit(code ?? (signal === null ? 1 : 130));
});
