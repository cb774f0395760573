// unicode_classes.js writes ../unicode_classes.txt: the class of every code point under the
// reference encoder's regular expression (JavaScript with the u flag), as ranges
// "first last class" in hexadecimal, where class is S (\s), L (\p{L}), N (\p{N}) or O
// (anything else; surrogates included). The Go tests check the pre-tokenizer's classes
// against it. The file records the Unicode version of the Node.js that wrote it.
// Usage: node unicode_classes.js
'use strict';
const fs = require('fs');
const path = require('path');

const S = /^\s$/u, L = /^\p{L}$/u, N = /^\p{N}$/u;
function cls(cp) {
  if (cp >= 0xd800 && cp <= 0xdfff) return 'O';
  const c = String.fromCodePoint(cp);
  if (S.test(c)) return 'S';
  if (L.test(c)) return 'L';
  if (N.test(c)) return 'N';
  return 'O';
}
const lines = ['# unicode ' + process.versions.unicode];
let start = 0, cur = cls(0);
for (let cp = 1; cp <= 0x110000; cp++) {
  const c = cp <= 0x10ffff ? cls(cp) : null;
  if (c !== cur) {
    lines.push(start.toString(16) + ' ' + (cp - 1).toString(16) + ' ' + cur);
    start = cp;
    cur = c;
  }
}
fs.writeFileSync(path.join(__dirname, '..', 'unicode_classes.txt'), lines.join('\n') + '\n');
console.error('ranges:', lines.length - 1);
