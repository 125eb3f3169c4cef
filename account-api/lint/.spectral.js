// Spectral's OpenAPI rules (`spectral:oas`) and the OWASP API Security Top 10 ruleset, loaded from the installed
// packages (a YAML `extends` of an npm ruleset is resolved through a CDN these machines cannot reach).
// A rule is turned off only here, with its reason beside it (at most five, never one about security, string limits
// or error responses).
const { oas } = require("@stoplight/spectral-rulesets");
const owasp = require("@stoplight/spectral-owasp-ruleset");

module.exports = {
  extends: [oas, owasp.default ?? owasp],
  rules: {
    // The description's server is the embedded default on the loopback interface, which serves plain HTTP to this
    // machine only; a deployment lists its own HTTPS gateway (account.api.servers) in the description it serves.
    "owasp:api8:2023-no-server-http": "off",
  },
};
