// Adds up the vitest JSON reports in the folder given as argument and prints the closing line
// CI reads: "N passed, N failed". Exits non-zero when any test failed or no report exists.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
let passed = 0;
let failed = 0;
let skipped = 0;
const files = readdirSync(dir).filter((name) => name.endsWith('.json'));
for (const name of files) {
  const report = JSON.parse(readFileSync(join(dir, name), 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  // A skipped or todo test is a failure in disguise: it is reported, and fails the run.
  skipped += report.numPendingTests + (report.numTodoTests ?? 0);
  // Test files that failed to load have no tests to count; count each as a failure.
  failed += report.testResults.filter(
    (file) => file.status === 'failed' && file.assertionResults.length === 0,
  ).length;
  console.log(
    `  ${name.replace(/\.json$/, '')}: ${report.numPassedTests} passed, ${report.numFailedTests} failed`,
  );
  // Each failure by name, with the start of its message: the summary is what survives a long log's tail.
  for (const file of report.testResults) {
    for (const test of file.assertionResults.filter((result) => result.status === 'failed')) {
      console.log(`    ✗ ${test.fullName}\n      ${excerpt(test.failureMessages?.[0] ?? '')}`);
    }
    if (file.status === 'failed' && file.assertionResults.length === 0) {
      console.log(`    ✗ ${file.name} did not load\n      ${(file.message ?? '').slice(0, 1500)}`);
    }
  }
}
if (files.length === 0) failed++;

console.log(`${passed} passed, ${failed + skipped} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed + skipped > 0 ? 1 : 0);

/**
 * A failure message's first lines and its last ones (an assertion's own message, such as a process's
 * output, comes first; what was expected and received comes last, after the stack).
 */
function excerpt(message) {
  const lines = message.split('\n').filter((line) => !/^\s+at /.test(line));
  const shown = lines.length > 16 ? [...lines.slice(0, 6), '…', ...lines.slice(-10)] : lines;
  return shown.map((line) => line.slice(0, 300)).join('\n      ');
}
