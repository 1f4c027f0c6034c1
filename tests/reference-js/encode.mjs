// Encodes texts with Hugging Face's JavaScript tokenizer (@huggingface/tokenizers, the
// implementation @huggingface/transformers wraps) built from Qwen3's or Llama 3's real tokenizer files.
//   node encode.mjs IN.json OUT.json
// IN: {"tokenizer": "qwen3" | "llama3" (default qwen3), "texts": [string, ...]}
// OUT: {"tokenizer_dir": string, "ids": [[int, ...], ...], "decoded": [string, ...],
//       "decoded_skip_special": [string, ...]}: decoded with skip_special_tokens false and true, and
//       never with clean_up_tokenization_spaces (Llama 3's config asks for it; it rewrites " ." as ".").
// No special tokens are added around a text (add_special_tokens false); special
// tokens written inside a text are matched as the tokenizer's added tokens, as in Python.
import { readFileSync, writeFileSync } from "node:fs";
import { Tokenizer } from "@huggingface/tokenizers";
import { tokenizerDir, readTokenizerFile } from "./models.mjs";

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error("usage: node encode.mjs IN.json OUT.json");
  process.exit(2);
}
const { tokenizer: name = "qwen3", texts } = JSON.parse(readFileSync(input, "utf8"));
if (!Array.isArray(texts)) {
  console.error(`${input}: expected {"texts": [...]}`);
  process.exit(2);
}
const tokenizer = new Tokenizer(readTokenizerFile(name, "tokenizer.json"), readTokenizerFile(name, "tokenizer_config.json"));
const ids = texts.map((t) => tokenizer.encode(t, { add_special_tokens: false }).ids);
const decode = (x, skip) => tokenizer.decode(x, { skip_special_tokens: skip, clean_up_tokenization_spaces: false });
const decoded = ids.map((x) => decode(x, false));
const decoded_skip_special = ids.map((x) => decode(x, true));
writeFileSync(output, JSON.stringify({ tokenizer_dir: tokenizerDir(name), ids, decoded, decoded_skip_special }));
