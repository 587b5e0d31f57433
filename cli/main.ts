#!/usr/bin/env node
// Entry point of the `sluice` command: `node cli/main.ts <command> [options]`. Runs one
// command and exits with its code (see `sluice --help` for the list).

import { runCli } from './program.ts';
import { systemIo } from './system-io.ts';

process.exitCode = await runCli(process.argv.slice(2), systemIo());
