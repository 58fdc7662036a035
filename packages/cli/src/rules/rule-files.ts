// Which files `rules lint` (and sync/diff given paths) read from the operands.
import path from 'node:path';
import { expandOperands, isRuleTestFile, isYamlFile, readText, walk } from '../files.ts';
import { exists, loadPack } from '../packs.ts';
import { InputError } from '../exit-codes.ts';
import { stat } from 'node:fs/promises';

/**
 * Files are taken as given. In a directory, a pack (manifest.yaml) contributes its rules file;
 * elsewhere every *.yaml/*.yml that is not a test file is a rule file.
 */
export async function walkRuleFiles(operands: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const operand of operands) {
    let isDir: boolean;
    try {
      isDir = (await stat(operand)).isDirectory();
    } catch {
      out.push(...(await expandOperands([operand], () => true))); // throws the InputError naming it
      continue;
    }
    if (!isDir) {
      out.push(operand);
      continue;
    }
    const files = await walk(operand);
    const packDirs = new Set<string>();
    for (const file of files) {
      if (path.basename(file) !== 'manifest.yaml') continue;
      const dir = path.dirname(file);
      packDirs.add(dir);
      const pack = await loadPack(dir);
      if (!(await exists(pack.rulesFile))) {
        throw new InputError(`${pack.manifestFile}: rules file ${pack.rulesFile} does not exist`);
      }
      out.push(pack.rulesFile);
    }
    const insidePack = (file: string) => [...packDirs].some((dir) => file.startsWith(dir + path.sep));
    const candidates = files.filter(
      (f) => isYamlFile(f) && !isRuleTestFile(f) && !insidePack(f) && path.basename(f) !== 'manifest.yaml',
    );
    // Other YAML in a directory (Loki config fragments, CI files) is not a rule file unless it has groups.
    for (const file of candidates) if (/^groups\s*:/m.test(await readText(file))) out.push(file);
  }
  return [...new Set(out)];
}
