/**
 * Prints one closing line, `tests: N passed, N failed, N skipped`, after jest's own summary:
 * the plain form that CI tooling reads to tell a run that tested nothing from one that passed.
 */
export default class SummaryReporter {
  onRunComplete(_contexts, results) {
    const { numPassedTests, numFailedTests, numPendingTests, numTodoTests } = results;
    process.stdout.write(
      `tests: ${numPassedTests} passed, ${numFailedTests} failed, ${numPendingTests + numTodoTests} skipped\n`,
    );
  }
}
