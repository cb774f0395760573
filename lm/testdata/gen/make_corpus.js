// make_corpus.js writes ../gpt2/corpus.txt, the text on which the GPT-2 tokenizer is
// checked against the reference encoder. The text is composed deterministically (a fixed
// seed) from the fragments below, written for this project, with generated numbers,
// identifiers and white space mixed in. Usage: node make_corpus.js
'use strict';
const fs = require('fs');
const path = require('path');

// mulberry32: a small seeded generator, so the corpus is reproducible.
function rng(seed) {
  let a = seed >>> 0;
  return function () {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const R = rng(20240611);
const pick = (xs) => xs[Math.floor(R() * xs.length)];
const int = (lo, hi) => lo + Math.floor(R() * (hi - lo + 1));

const prose = [
  "The lighthouse keeper counted the ships twice, because the first count never agreed with the ledger.",
  "She'd said it wasn't the weather, it was the waiting; we'll see whether she's right.",
  "They're sure you've got the keys, but I'm not, and he'd rather not say.",
  "A verifier that answers only yes or no still teaches a patient learner a great deal.",
  "Rivers don't argue with stones; they go around, and after a thousand years the stones are gone.",
  "Don't panic. It's only a test, and tests are cheap compared with surprises in production.",
  "The committee met at 9:30 a.m., adjourned at 11:45, and reconvened after lunch (reluctantly).",
  "\"Quotation marks,\" he noted, \"are punctuation too\" -- as are dashes, ellipses... and semicolons;",
  "I'LL SHOUT IF I MUST, BUT IT'S RUDE; you'Ll notice the mixed case doesn'T always split.",
  "Rock 'n' roll, the '90s, o'clock, y'all, ma'am and fo'c'sle are awkward for any tokenizer.",
  "Temperature one leaves the distribution alone; temperature zero picks the most likely token.",
  "Nucleus sampling keeps the smallest set of tokens whose probability reaches p.",
  "Emails like first.last+tag@example.org and paths like /usr/local/bin are common in logs.",
  "The price rose from $3.50 to $4.25 (a 21.4% increase) between Q1 and Q3 of 2019.",
  "Naïve café owners in Zürich serve crème brûlée; the façade of the Ångström building is rosé.",
  "Überprüfung der Maßnahmen: Straße, Größe, Fußgänger, äußerst schön.",
  "Le cœur a ses raisons que la raison ne connaît point, disait-on à l'époque.",
  "¿Dónde está la estación? ¡Allí, junto al árbol más alto!",
  "Ελληνικά: η γρήγορη καφέ αλεπού πηδά πάνω από τον τεμπέλη σκύλο.",
];
const cyrillic = [
  "Съешь же ещё этих мягких французских булок, да выпей чаю.",
  "Проверка токенизатора: числа 12345, слова и знаки препинания — всё вместе.",
  "Москва, Київ, Мінск и София пишутся кириллицей, но звучат по-разному.",
];
const cjk = [
  "敏捷的棕色狐狸跳过了懒狗。",
  "机器学习模型从反馈中学习，验证器只回答对或错。",
  "東京の空は今日も青く、電車は時間どおりに走っている。",
  "ひらがなとカタカナ、そして漢字がまざった文章です。",
  "한국어 문장도 포함합니다: 빠른 갈색 여우가 게으른 개를 뛰어넘습니다.",
  "温度为零时选择概率最高的词元；温度为一时保持原分布。",
  "全角数字１２３と半角数字456、全角記号！？も試す。",
];
const arabic = [
  "الثعلب البني السريع يقفز فوق الكلب الكسول.",
  "النموذج يتعلم من التغذية الراجعة خطوة بعد خطوة.",
  "الأرقام العربية ٠١٢٣٤٥٦٧٨٩ تختلف عن 0123456789.",
  "עברית: השועל החום המהיר קופץ מעל הכלב העצלן.",
];
const devanagari = [
  "तेज़ भूरी लोमड़ी आलसी कुत्ते के ऊपर कूदती है।",
  "मॉडल प्रतिक्रिया से सीखता है, और सत्यापक केवल हाँ या ना कहता है।",
  "संख्याएँ १२३४५ और शब्द साथ-साथ।",
  "தமிழ் எழுத்துக்கள் மற்றும் ภาษาไทย ไม่มีช่องว่างระหว่างคำ",
];
const emoji = [
  "Launch day 🚀🚀🚀 and the team is 🎉!",
  "Family: 👨‍👩‍👧‍👦, couple: 👩‍❤️‍👨, handshake: 🤝🏽, thumbs: 👍🏻👍🏼👍🏽👍🏾👍🏿",
  "Flags 🇯🇵🇫🇷🇧🇷 and keycaps 1️⃣2️⃣#️⃣ and a rainbow flag 🏳️‍🌈.",
  "Weather ☀️🌧️⛈️❄️ and hearts ❤️🧡💛💚💙💜🖤.",
  "Technologist 🧑🏿‍💻 writes code; scientist 👩🏼‍🔬 checks it.",
];
const combining = [
  "Combining: e\u0301 vs \u00e9, n\u0303 vs \u00f1, a\u030a vs \u00e5.",
  "Stacked marks: Z\u0351\u036b\u0343\u036a\u0302a\u0310\u0346l\u0357g\u0352o\u0363 text.",
  "Vietnamese: Tiê\u0301ng Viê\u0323t co\u0301 nhiê\u0300u dâ\u0301u.",
  "Hangul jamo: \u1100\u1161\u11a8 and precomposed \uac01.",
];
const codeBits = [
  "func (t *Tokenizer) Encode(text string) []int {\n\treturn t.AppendEncode(nil, text)\n}\n",
  "for i := 0; i < n; i++ {\n\t\tsum += x[i] * y[i] // dot product\n\t}\n",
  "def softmax(x):\n    e = np.exp(x - x.max())\n    return e / e.sum()\n",
  "if (a && b || !c) { return arr[idx++]; } else { throw new Error(`bad: ${msg}`); }\n",
  "SELECT name, COUNT(*) AS n FROM tokens WHERE id >= 50000 GROUP BY name HAVING n > 1;\n",
  "#include <stdio.h>\nint main(void) { printf(\"%d\\n\", 42); return 0; }\n",
  "x=1;y=2;z=x+y*3-(4/5)%6^7&8|9<<2>>1\n",
  "{\"key\": [1, 2.5, -3e10, true, null], \"nested\": {\"a\": \"b\"}}\n",
  "<div class=\"card\"><span id='x'>&amp; &lt;tag&gt;</span></div>\n",
  "    indented four spaces\n        and eight\n\t\ttwo tabs\n",
];
const spaces = [" ", "  ", "   ", "    ", "\t", "\t\t", "\n", "\n\n", "\r\n", " \n", "\n ", " \t ", "\u00a0", "\u3000", "\u2009", "        "];

function number() {
  switch (int(0, 5)) {
    case 0: return String(int(0, 9));
    case 1: return String(int(10, 99999));
    case 2: return (R() * 1000).toFixed(int(1, 4));
    case 3: return String(int(1, 9)) + "," + String(int(100, 999)) + "," + String(int(100, 999));
    case 4: return "0x" + int(0, 0xffffff).toString(16);
    default: return String(int(1000000, 99999999999));
  }
}
function ident() {
  const parts = ["token", "count", "max", "len", "buf", "rng", "state", "logits", "prob", "id", "x", "tmp"];
  let s = pick(parts);
  for (let k = int(0, 2); k > 0; k--) {
    s += pick(["_", "", ".", "::"]) + pick(parts) + (R() < 0.3 ? String(int(0, 99)) : "");
  }
  return R() < 0.3 ? s.toUpperCase() : s;
}
const contractions = ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", "'T", "'RE", "'x", "''", "'"];
const words = ["it", "we", "you", "they", "she", "he", "I", "who", "that", "there", "John", "rock"];

function sentence() {
  switch (int(0, 11)) {
    case 0: case 1: case 2: return pick(prose);
    case 3: return pick(cyrillic);
    case 4: return pick(cjk);
    case 5: return pick(arabic);
    case 6: return pick(devanagari);
    case 7: return pick(emoji);
    case 8: return pick(combining);
    case 9: return pick(codeBits);
    case 10: {
      let s = "";
      for (let k = int(3, 10); k > 0; k--) {
        s += pick([number(), ident(), pick(words) + pick(contractions), pick(["(", ")", "...", "!?", "--", "—", "«", "»", "“", "”", "§", "°C", "½", "²", "Ⅻ"])]);
        s += pick(spaces.slice(0, 6).concat([" ", " ", " ", ""]));
      }
      return s;
    }
    default: {
      // A line that mixes everything, with odd white space.
      return pick(prose).split(" ").map((w) => (R() < 0.15 ? w + pick(spaces) : w)).join(" ") + pick(spaces) + number();
    }
  }
}

let out = "";
while (out.length < 100000) {
  out += sentence();
  out += pick([" ", " ", " ", "\n", "\n\n", "  ", "\t", " \n", "   \n\n", "\n\t", ""]);
}
out += "   \n\t  "; // end with a white-space run
fs.writeFileSync(path.join(__dirname, "..", "gpt2", "corpus.txt"), out);
console.error("wrote", Buffer.byteLength(out), "bytes");
