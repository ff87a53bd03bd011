#!/usr/bin/env node
// Reads vitest's JSON report (`--reporter=json --outputFile.json=FILE`): prints the ten slowest tests, and fails
// when any test was skipped or left as todo, because CI provides every service and privilege the tests need.
// Usage: node .ci/check-report.mjs FILE
import { readFileSync } from "node:fs";

const file = process.argv[2];
if (!file) {
  console.error("usage: check-report.mjs <vitest-json-report>");
  process.exit(2);
}
const report = JSON.parse(readFileSync(file, "utf8"));
const tests = report.testResults.flatMap((suite) =>
  suite.assertionResults.map((test) => ({ file: suite.name, ...test })),
);

const slowest = tests
  .filter((test) => typeof test.duration === "number")
  .sort((a, b) => b.duration - a.duration)
  .slice(0, 10);
console.log("\nSlowest ten tests:");
for (const test of slowest) console.log(`${(test.duration / 1000).toFixed(1).padStart(7)} s  ${test.fullName}`);

const notRun = tests.filter((test) => test.status !== "passed" && test.status !== "failed");
console.log(
  `\n${tests.length} tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${notRun.length} not run`,
);
if (notRun.length > 0) {
  console.error("\nCI runs every test, but these did not run:");
  for (const test of notRun) console.error(`  ${test.status}: ${test.fullName}`);
  process.exit(1);
}
if (tests.length === 0 || report.numFailedTests > 0 || report.success === false) process.exit(1);
