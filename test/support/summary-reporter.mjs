/**
 * Prints one closing line, `tests: N passed, N failed, N skipped`, as the very last line of the
 * run: the plain form that CI tooling reads to tell a run that tested nothing from one that
 * passed. Jest prints its own summary after every custom reporter has finished, hence the
 * exit hook.
 */
export default class SummaryReporter {
  onRunComplete(_contexts, results) {
    const { numPassedTests, numFailedTests, numPendingTests, numTodoTests } = results;
    const line = `tests: ${numPassedTests} passed, ${numFailedTests} failed, ${numPendingTests + numTodoTests} skipped\n`;
    process.once("exit", () => process.stderr.write(line));
  }
}
