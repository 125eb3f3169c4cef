// Validates an AsyncAPI document against the AsyncAPI specification with the AsyncAPI initiative's own parser
// (the one its CLI's `validate` uses), resolving the JSON Schema files its payloads $ref.
// Usage: node validate-asyncapi.mjs <document>; exits 1 when the parser reports an error.
import { Parser, fromFile } from "@asyncapi/parser";
import path from "node:path";

const file = process.argv[2];
if (!file) {
  console.error("usage: node validate-asyncapi.mjs <asyncapi document>");
  process.exit(2);
}
const parser = new Parser();
const { document, diagnostics } = await fromFile(parser, path.resolve(file)).parse();
const severities = ["error", "warning", "information", "hint"];
for (const d of diagnostics) {
  const where = d.path && d.path.length ? d.path.join(".") : "(document)";
  console.log(`${file} ${severities[d.severity] ?? d.severity} ${d.code} ${where}: ${d.message}`);
}
const errors = diagnostics.filter((d) => d.severity === 0).length;
console.log(`${file}: AsyncAPI ${document ? document.version() : "?"}, ${errors} error(s), `
            + `${diagnostics.length - errors} other diagnostic(s)`);
process.exit(errors > 0 || !document ? 1 : 0);
