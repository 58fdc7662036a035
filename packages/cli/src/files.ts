// Reading the files and directories named on the command line, with errors that name the path.
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from './exit-codes.ts';

export async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(`${file}: cannot read: ${describeFsError(error)}`);
  }
}

export function describeFsError(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  switch (e.code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    default:
      return e.message ?? String(error);
  }
}

async function statOrThrow(target: string) {
  try {
    return await stat(target);
  } catch (error) {
    throw new InputError(`${target}: cannot read: ${describeFsError(error)}`);
  }
}

/** Every file under `dir` (recursively, sorted), skipping node_modules and dot-directories. */
export async function walk(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    throw new InputError(`${dir}: cannot read: ${describeFsError(error)}`);
  }
  const out: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(full)));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

/**
 * Expands command-line operands: files are taken as given, directories are walked and filtered
 * with `accept`. A missing operand is an InputError naming it.
 */
export async function expandOperands(
  operands: string[],
  accept: (file: string) => boolean,
): Promise<string[]> {
  const out: string[] = [];
  for (const operand of operands) {
    const info = await statOrThrow(operand);
    if (info.isDirectory()) out.push(...(await walk(operand)).filter(accept));
    else out.push(operand);
  }
  return [...new Set(out)];
}

export const isYamlFile = (file: string) => /\.ya?ml$/i.test(file);
export const isRuleTestFile = (file: string) => /\.test\.ya?ml$/i.test(file);
