// The peer side of the authorizer benchmark: AWS's aws-jwt-verify (exact version in package.json)
// verifying the same RS256 tokens as our UserTokenVerifier, with a hydrated JWKS (no network).
//
//   node benchmarks/peer/verify-bench.mjs <fixtures.json> <iterations>
//
// <fixtures.json> is written by the Java runner (TokenFixtures): issuer, audience, jwks (JSON text),
// rs256Tokens (distinct tokens). Two modes, each warmed up with iterations/4 calls first:
//   distinct - the N tokens round-robin;   repeated - the same token every time.
// Prints one JSON line: {"peer":"aws-jwt-verify@x.y.z","node":"v20...","distinctOpsPerSec":..,"repeatedOpsPerSec":..}
import { readFileSync } from "node:fs";
import { JwtRsaVerifier } from "aws-jwt-verify";

const [file, iterationsArg] = process.argv.slice(2);
if (!file) {
  console.error("usage: node verify-bench.mjs <fixtures.json> <iterations>");
  process.exit(2);
}
const iterations = Number.parseInt(iterationsArg ?? "20000", 10);
if (!Number.isInteger(iterations) || iterations < 1) {
  console.error(`iterations must be a positive integer, got ${iterationsArg}`);
  process.exit(2);
}
const fixtures = JSON.parse(readFileSync(file, "utf8"));
const jwks = JSON.parse(fixtures.jwks);
jwks.keys = jwks.keys.filter((k) => k.kty === "RSA");
const tokens = fixtures.rs256Tokens;

const verifier = JwtRsaVerifier.create({
  issuer: fixtures.issuer,
  audience: fixtures.audience,
  jwksUri: `${fixtures.issuer}/.well-known/jwks.json`, // never fetched: the JWKS is hydrated below
});
verifier.cacheJwks(jwks);

function run(pick, n) {
  let sink = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const payload = verifier.verifySync(pick(i));
    sink += payload.sub.length;
  }
  const nanos = Number(process.hrtime.bigint() - start);
  if (sink === 0) throw new Error("nothing verified");
  return (n * 1e9) / nanos;
}

const distinct = (i) => tokens[i % tokens.length];
const repeated = () => tokens[0];
const warmup = Math.max(1, Math.floor(iterations / 4));
run(distinct, warmup);
const distinctOpsPerSec = run(distinct, iterations);
run(repeated, warmup);
const repeatedOpsPerSec = run(repeated, iterations);

const version = JSON.parse(
  readFileSync(new URL("./node_modules/aws-jwt-verify/package.json", import.meta.url), "utf8"),
).version;
console.log(JSON.stringify({
  peer: `aws-jwt-verify@${version}`,
  node: process.version,
  iterations,
  tokens: tokens.length,
  distinctOpsPerSec,
  repeatedOpsPerSec,
}));
