#!/usr/bin/env node
import { runCli } from "./cli/program.js";

runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
  // A failed command may leave sockets (a half-open database pool) that would keep the process alive.
  if (code !== 0) process.exit(code);
});
