// Gzipped size of what each kind of user downloads, from Vite's manifest (dist/.vite/manifest.json):
// the reviewer's path (entry + inbox + task page + form renderer) and the diagram chunks that
// load on demand. Fails if bpmn-js or dmn-js leaked into the reviewer's path.
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";

const dist = new URL("../dist/", import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(join(dist, ".vite", "manifest.json"), "utf8"));

function closure(key, seen = new Set()) {
  const chunk = manifest[key];
  if (!chunk || seen.has(key)) return seen;
  seen.add(key);
  for (const next of chunk.imports ?? []) closure(next, seen);
  return seen;
}

function files(keys) {
  const out = new Set();
  for (const key of keys) {
    const chunk = manifest[key];
    out.add(chunk.file);
    for (const css of chunk.css ?? []) out.add(css);
  }
  return out;
}

const gz = (file) => gzipSync(readFileSync(join(dist, file))).length;
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} kB`;
const sum = (set) => [...set].reduce((total, file) => total + gz(file), 0);

const entry = closure("index.html");
const reviewer = new Set(entry);
for (const page of ["src/pages/Inbox.tsx", "src/pages/TaskPage.tsx", "src/forms/SchemaForm.tsx"]) closure(page, reviewer);
const onDemand = {
  "bpmn-js viewer (case diagrams)": closure("src/bpmn/viewer.ts"),
  "bpmn-js modeler (administrators)": closure("src/bpmn/modeler.ts"),
  "dmn-js editor (administrators)": closure("src/bpmn/dmn.ts"),
};

const rows = [
  ["first screen (entry: sign-in, shell)", files(entry)],
  ["reviewer path (entry + inbox + task + form)", files(reviewer)],
  ["  of which the form renderer (rjsf + ajv)", files(new Set([...closure("src/forms/SchemaForm.tsx")].filter((k) => !entry.has(k))))],
];
for (const [name, keys] of Object.entries(onDemand)) rows.push([name, files(new Set([...keys].filter((k) => !reviewer.has(k))))]);
// The auditor's screens (without the viewer they share with case diagrams) and the public
// certificate check, each beyond the entry.
const beyondEntry = (keys) => files(new Set([...keys].filter((k) => !entry.has(k) && !onDemand["bpmn-js viewer (case diagrams)"].has(k))));
if (manifest["src/pages/audit/AuditInstance.tsx"]) {
  const auditor = closure("src/pages/audit/AuditSearch.tsx");
  closure("src/pages/audit/AuditInstance.tsx", auditor);
  rows.push(["auditor screens (beyond entry; + viewer)", beyondEntry(auditor)]);
}
if (manifest["src/pages/VerifyCertificate.tsx"]) rows.push(["public certificate check (beyond entry)", beyondEntry(closure("src/pages/VerifyCertificate.tsx"))]);

console.log("gzipped sizes (JS + CSS):");
for (const [name, set] of rows) console.log(`  ${name.padEnd(46)} ${kb(sum(set)).padStart(9)}  (${set.size} files)`);

const leaked = [...files(reviewer)].filter((file) => {
  const text = readFileSync(join(dist, file), "utf8");
  return /djs-container|dmn-decision-table|bpmn-js/.test(text);
});
if (leaked.length) {
  console.error(`bpmn-js/dmn-js code found in the reviewer's path: ${leaked.join(", ")}`);
  process.exit(1);
}
