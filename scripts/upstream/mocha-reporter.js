/**
 * Mocha reporter for upstream runs: the suite's own spec output, plus the
 * results as JSON in IOGLIDE_UPSTREAM_RESULTS (read by scripts/upstream.js).
 */
"use strict";
const fs = require("fs");
const Mocha = require(require.resolve("mocha", { paths: [process.cwd()] }));

class UpstreamReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const tests = [];
    const record = (state) => (test, err) =>
      tests.push({
        title: test.fullTitle(),
        file: test.file,
        state,
        error: err
          ? String(err.stack || err)
              .split("\n")
              .slice(0, 4)
              .join("\n")
          : undefined,
      });
    runner.on("pass", record("passed"));
    runner.on("fail", record("failed"));
    runner.on("pending", record("skipped"));
    runner.once("end", () => {
      if (process.env.IOGLIDE_UPSTREAM_RESULTS)
        fs.writeFileSync(process.env.IOGLIDE_UPSTREAM_RESULTS, JSON.stringify(tests));
    });
  }
}
module.exports = UpstreamReporter;
