// Normalizes texts to NFC with JavaScript's String.prototype.normalize (ICU), the normalizer
// @huggingface/tokenizers applies for a tokenizer.json whose normalizer is NFC.
//   node nfc.mjs IN.json OUT.json
// IN: {"texts": [string, ...]}   OUT: {"nfc": [string, ...], "unicode": string}
import { readFileSync, writeFileSync } from "node:fs";

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error("usage: node nfc.mjs IN.json OUT.json");
  process.exit(2);
}
const { texts } = JSON.parse(readFileSync(input, "utf8"));
writeFileSync(output, JSON.stringify({ nfc: texts.map((t) => t.normalize("NFC")), unicode: process.versions.unicode }));
