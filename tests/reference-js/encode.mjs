// Encodes texts with Hugging Face's JavaScript tokenizer (@huggingface/tokenizers, the
// implementation @huggingface/transformers wraps) built from Qwen3's real tokenizer files.
//   node encode.mjs IN.json OUT.json
// IN: {"texts": [string, ...]}
// OUT: {"tokenizer_dir": string, "ids": [[int, ...], ...], "decoded": [string, ...],
//       "decoded_skip_special": [string, ...]} (decoded with skip_special_tokens false and true)
// No special tokens are added around a text (Qwen3's tokenizer adds none anyway); special
// tokens written inside a text are matched as the tokenizer's added tokens, as in Python.
import { readFileSync, writeFileSync } from "node:fs";
import { Tokenizer } from "@huggingface/tokenizers";
import { qwen3Dir, readQwen3 } from "./qwen3.mjs";

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error("usage: node encode.mjs IN.json OUT.json");
  process.exit(2);
}
const { texts } = JSON.parse(readFileSync(input, "utf8"));
if (!Array.isArray(texts)) {
  console.error(`${input}: expected {"texts": [...]}`);
  process.exit(2);
}
const tokenizer = new Tokenizer(readQwen3("tokenizer.json"), readQwen3("tokenizer_config.json"));
const ids = texts.map((t) => tokenizer.encode(t, { add_special_tokens: false }).ids);
const decoded = ids.map((x) => tokenizer.decode(x, { skip_special_tokens: false }));
const decoded_skip_special = ids.map((x) => tokenizer.decode(x, { skip_special_tokens: true }));
writeFileSync(output, JSON.stringify({ tokenizer_dir: qwen3Dir, ids, decoded, decoded_skip_special }));
