#!/usr/bin/env node
// Writes the table of every alert of every pack into alert-rules/README.md, between the markers
// <!-- rules:begin --> and <!-- rules:end -->, so the top-level listing can never drift from the
// packs' rules.yaml (including packs other engineers own).
//
//   node alert-rules/scripts/list-rules.mjs           print the table
//   node alert-rules/scripts/list-rules.mjs --write   rewrite the README section
//   node alert-rules/scripts/list-rules.mjs --check   exit 1 when the README section is stale
//
// "What it detects" is the first sentence of the rule's description annotation with template
// placeholders turned into readable words ({{ $labels.user_id }} → <user_id>, {{ $value }} → N).
import { readFileSync, readdirSync, existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
// The yaml parser is a dependency of the CLI package; borrow it rather than adding a root dependency.
const requireFromCli = createRequire(join(root, '..', 'packages', 'cli', 'package.json'));
const YAML = (await import(requireFromCli.resolve('yaml'))).default;

const BEGIN = '<!-- rules:begin -->';
const END = '<!-- rules:end -->';

function readable(template) {
  return template
    .replace(/\{\{\s*\$value[^}]*\}\}/g, 'N')
    .replace(/\{\{\s*\$labels\.([A-Za-z0-9_]+)\s*\}\}/g, '<$1>')
    .replace(/\{\{[^}]*\}\}/g, '…')
    .replace(/\s+/g, ' ')
    .trim();
}

function firstSentence(text) {
  const match = /^(.*?[.!?])(\s|$)/.exec(text);
  return match ? match[1] : text;
}

function cell(text) {
  return text.replace(/\|/g, '\\|');
}

function packRows(pack) {
  const file = join(root, pack, 'rules.yaml');
  let doc;
  try {
    doc = YAML.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: cannot parse: ${error.message}`, { cause: error });
  }
  const rows = [];
  for (const [gi, group] of (doc?.groups ?? []).entries()) {
    for (const [ri, rule] of (group.rules ?? []).entries()) {
      if (!rule.alert) continue;
      const where = `${file}: groups[${gi}].rules[${ri}]`;
      const description = rule.annotations?.description ?? rule.annotations?.summary;
      if (!description) throw new Error(`${where} (${rule.alert}): no description or summary annotation`);
      const anchor = `${pack}/README.md#${rule.alert.toLowerCase()}`;
      rows.push(
        `| [${rule.alert}](${anchor}) | ${rule.labels?.severity ?? '?'} | ${pack} | ${cell(
          firstSentence(readable(description)),
        )} |`,
      );
    }
  }
  return rows;
}

export function rulesTable() {
  const packs = readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, d.name, 'rules.yaml')))
    .map((d) => d.name)
    .sort();
  const rows = packs.flatMap(packRows);
  return ['| Alert | Severity | Pack | What it detects |', '|---|---|---|---|', ...rows].join('\n');
}

function replaceSection(readme, table) {
  const begin = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`alert-rules/README.md: markers ${BEGIN} … ${END} not found`);
  return `${readme.slice(0, begin + BEGIN.length)}\n${table}\n${readme.slice(end)}`;
}

const mode = process.argv[2];
const table = rulesTable();
if (mode === '--write' || mode === '--check') {
  const readmePath = join(root, 'README.md');
  const readme = readFileSync(readmePath, 'utf8');
  const updated = replaceSection(readme, table);
  if (mode === '--write') {
    if (updated !== readme) writeFileSync(readmePath, updated);
  } else if (updated !== readme) {
    console.error(
      'alert-rules/README.md: rule table is stale; run node alert-rules/scripts/list-rules.mjs --write',
    );
    process.exitCode = 1;
  }
} else {
  console.log(table);
}
