// Renders chat conversations with Hugging Face's JavaScript Jinja implementation
// (@huggingface/jinja), as apply_chat_template does.
//   node render.mjs IN.json OUT.json
// IN: {"cases": [{"template": string, "messages": [{"role", "content"}, ...],
//                 "add_generation_prompt": bool, "bos_token"?: string, "eos_token"?: string}, ...]}
//     A template of "qwen3" means the chat_template of Qwen3's tokenizer_config.json.
// OUT: {"rendered": [string, ...]}
import { readFileSync, writeFileSync } from "node:fs";
import { Template } from "@huggingface/jinja";
import { readTokenizerFile } from "./models.mjs";

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error("usage: node render.mjs IN.json OUT.json");
  process.exit(2);
}
const { cases } = JSON.parse(readFileSync(input, "utf8"));
if (!Array.isArray(cases)) {
  console.error(`${input}: expected {"cases": [...]}`);
  process.exit(2);
}
const templates = new Map();
function template(text) {
  const source = text === "qwen3" ? readTokenizerFile("qwen3", "tokenizer_config.json").chat_template : text;
  if (!templates.has(source)) templates.set(source, new Template(source));
  return templates.get(source);
}
const rendered = cases.map((c) =>
  template(c.template).render({
    messages: c.messages,
    add_generation_prompt: c.add_generation_prompt,
    bos_token: c.bos_token ?? "",
    eos_token: c.eos_token ?? "",
  }),
);
writeFileSync(output, JSON.stringify({ rendered }));
