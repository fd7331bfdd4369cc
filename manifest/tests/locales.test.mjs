// Every extension's English texts have German ones, with the same placeholders.
import assert from 'node:assert/strict';
import {existsSync, readdirSync, readFileSync} from 'node:fs';
import {test} from 'node:test';

const extensions = new URL('../extensions/', import.meta.url);
const PAIRS = [
  ['en.default.json', 'de.json'],
  ['en.default.schema.json', 'de.schema.json'],
];

const read = (url) => JSON.parse(readFileSync(url, 'utf8'));
const flat = (tree, prefix = '') =>
  Object.entries(tree).flatMap(([key, value]) =>
    typeof value === 'string' ? [[prefix + key, value]] : flat(value, `${prefix}${key}.`),
  );
const placeholders = (text) => (text.match(/{{\s*\w+\s*}}/g) ?? []).sort();

for (const name of readdirSync(extensions)) {
  for (const [englishFile, germanFile] of PAIRS) {
    const englishUrl = new URL(`${name}/locales/${englishFile}`, extensions);
    if (!existsSync(englishUrl)) continue;
    test(`${name}: ${germanFile} says everything ${englishFile} says`, () => {
      const english = new Map(flat(read(englishUrl)));
      const german = new Map(flat(read(new URL(`${name}/locales/${germanFile}`, extensions))));
      assert.deepEqual([...german.keys()].sort(), [...english.keys()].sort());
      for (const [key, text] of english) {
        assert.deepEqual(placeholders(german.get(key)), placeholders(text), key);
      }
    });
  }
}
