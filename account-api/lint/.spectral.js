// Spectral's OpenAPI rules and the OWASP API Security Top 10 ruleset, loaded from the installed package
// (a YAML `extends` of an npm ruleset is resolved through a CDN this machine cannot reach).
const { oas } = require("@stoplight/spectral-rulesets");
const owasp = require("@stoplight/spectral-owasp-ruleset");

module.exports = {
  extends: [oas, owasp.default ?? owasp],
};
