// Lints the API descriptions account-api ships; Maven runs it in account-api's verify phase.
//
//   node lint.mjs                  OpenAPI (src/main/resources/openapi.json): Spectral's `spectral:oas` with the OWASP
//                                  API Security Top 10 ruleset (.spectral.js) and Redocly's recommended rules
//                                  (redocly.yaml); AsyncAPI (src/main/resources/asyncapi.json) against the AsyncAPI
//                                  specification. Exits 1 on any error.
//   node lint.mjs --expect-errors  The proof that the lint can fail: breaks copies of both documents on purpose
//                                  (an operation without security, a string without a limit, a response without its
//                                  rate-limit headers, a server without its environment; an AsyncAPI document
//                                  without a version) and exits 1 unless every linter reports each of those errors.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync, copyFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const resources = path.resolve(here, "../src/main/resources");
const bin = (name) => path.join(here, "node_modules", ".bin", name);
const env = { ...process.env, REDOCLY_TELEMETRY: "off", NO_UPDATE_NOTIFIER: "1" };

function run(command, args) {
  const result = spawnSync(command, args, { cwd: here, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (result.error) {
    throw result.error;
  }
  return result;
}

/** Spectral's findings as {rule, severity: error|warning|…, where, message}. */
function spectral(file) {
  const result = run(bin("spectral"), ["lint", "-r", ".spectral.js", "-f", "json", "--quiet", file]);
  const severities = ["error", "warning", "information", "hint"];
  const findings = JSON.parse(result.stdout || "[]");
  return findings.map((f) => ({ linter: "spectral", rule: f.code, severity: severities[f.severity],
                                where: f.path.join("."), message: f.message }));
}

function redocly(file) {
  const result = run(bin("redocly"), ["lint", "--config", "redocly.yaml", "--format", "json", file]);
  const report = JSON.parse(result.stdout.slice(result.stdout.indexOf("{")));
  return report.problems.map((p) => ({ linter: "redocly", rule: p.ruleId, severity: p.severity,
                                       where: p.location?.[0]?.pointer ?? "", message: p.message }));
}

function asyncapi(file) {
  const result = run(process.execPath, [path.join(here, "validate-asyncapi.mjs"), file]);
  const findings = [];
  for (const line of result.stdout.split("\n")) {
    const match = line.match(/^\S+ (error|warning|information|hint) (\S+) (\S+): (.*)$/);
    if (match) {
      findings.push({ linter: "asyncapi", rule: match[2], severity: match[1], where: match[3], message: match[4] });
    }
  }
  if (result.status !== 0 && !findings.some((f) => f.severity === "error")) {
    findings.push({ linter: "asyncapi", rule: "parser", severity: "error", where: file,
                    message: (result.stdout + result.stderr).trim() });
  }
  return findings;
}

function report(name, findings) {
  const errors = findings.filter((f) => f.severity === "error");
  const warnings = findings.filter((f) => f.severity === "warning");
  console.log(`${name}: ${errors.length} error(s), ${warnings.length} warning(s)`);
  for (const f of errors) {
    console.log(`  error ${f.rule} ${f.where}: ${f.message}`);
  }
  const byRule = {};
  for (const f of warnings) {
    byRule[f.rule] = (byRule[f.rule] ?? 0) + 1;
  }
  for (const [rule, count] of Object.entries(byRule).sort()) {
    console.log(`  warning ${rule} ×${count}`);
  }
  return errors;
}

function lintAll(openapi, asyncapiFile) {
  return {
    spectral: spectral(openapi),
    redocly: redocly(openapi),
    asyncapi: asyncapi(asyncapiFile),
  };
}

/** Copies the documents (and the JSON Schema files the AsyncAPI one refers to) and breaks them on purpose. */
function brokenCopies() {
  const dir = path.resolve(here, "../target/lint-broken");
  mkdirSync(path.join(dir, "schemas"), { recursive: true });
  for (const schema of readdirSync(path.join(resources, "schemas"))) {
    copyFileSync(path.join(resources, "schemas", schema), path.join(dir, "schemas", schema));
  }
  const openapi = JSON.parse(readFileSync(path.join(resources, "openapi.json"), "utf8"));
  delete openapi.paths["/accounts"].post.security;
  delete openapi.components.schemas.OpenAccountRequest.properties.email.maxLength;
  delete openapi.paths["/accounts/{id}"].get.responses["200"].headers;
  openapi.servers[0].description = "the server";
  const asyncDoc = JSON.parse(readFileSync(path.join(resources, "asyncapi.json"), "utf8"));
  delete asyncDoc.info.version;
  writeFileSync(path.join(dir, "openapi.json"), JSON.stringify(openapi, null, 2));
  writeFileSync(path.join(dir, "asyncapi.json"), JSON.stringify(asyncDoc, null, 2));
  return { openapi: path.join(dir, "openapi.json"), asyncapi: path.join(dir, "asyncapi.json") };
}

const EXPECTED = {
  spectral: ["owasp:api2:2023-write-restricted", "owasp:api4:2023-string-limit", "owasp:api4:2023-rate-limit",
             "owasp:api9:2023-inventory-environment"],
  redocly: ["security-defined"],
  asyncapi: ["asyncapi-document-resolved"],
};

if (process.argv.includes("--expect-errors")) {
  const files = brokenCopies();
  const found = lintAll(files.openapi, files.asyncapi);
  const missing = [];
  for (const [linter, rules] of Object.entries(EXPECTED)) {
    const errors = new Set(found[linter].filter((f) => f.severity === "error").map((f) => f.rule));
    for (const rule of rules) {
      if (!errors.has(rule)) {
        missing.push(`${linter} did not report ${rule}`);
      }
    }
    console.log(`broken copy, ${linter}: reports ${[...errors].sort().join(", ") || "no error"}`);
  }
  if (missing.length > 0) {
    console.log(`The lint cannot fail as it must: ${missing.join("; ")}`);
    process.exit(1);
  }
  console.log("The lint fails on the broken copies, as it must.");
} else {
  const found = lintAll(path.join(resources, "openapi.json"), path.join(resources, "asyncapi.json"));
  const errors = [
    ...report("OpenAPI, Spectral (spectral:oas + OWASP API Security Top 10)", found.spectral),
    ...report("OpenAPI, Redocly (recommended)", found.redocly),
    ...report("AsyncAPI, the AsyncAPI parser (specification)", found.asyncapi),
  ];
  if (errors.length > 0) {
    process.exit(1);
  }
}
