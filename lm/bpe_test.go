package lm

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

var (
	gpt2Once sync.Once
	gpt2Tok  *BPETokenizer
	gpt2Err  error
)

// gpt2Tokenizer loads GPT-2's tokenizer from testdata once.
func gpt2Tokenizer(t testing.TB) *BPETokenizer {
	t.Helper()
	gpt2Once.Do(func() { gpt2Tok, gpt2Err = LoadBPEDir(filepath.Join("testdata", "gpt2")) })
	if gpt2Err != nil {
		t.Fatal(gpt2Err)
	}
	return gpt2Tok
}

func TestBPELoadGPT2(t *testing.T) {
	tok := gpt2Tokenizer(t)
	if tok.VocabSize() != 50257 || tok.NumMerges() != 50000 {
		t.Fatalf("vocab %d merges %d, want 50257 and 50000", tok.VocabSize(), tok.NumMerges())
	}
	for spell, want := range map[string]int{"<|endoftext|>": 50256, "Ġthe": 262, "!": 0, "Ġ": 220, "Ċ": 198} {
		if id, ok := tok.TokenID(spell); !ok || id != want {
			t.Errorf("TokenID(%q) = %d, %v; want %d", spell, id, ok, want)
		}
		if got := tok.TokenString(want); got != spell {
			t.Errorf("TokenString(%d) = %q, want %q", want, got, spell)
		}
	}
	if got := tok.Decode([]int{50256}); got != "<|endoftext|>" {
		t.Errorf("Decode(50256) = %q", got)
	}
	if got := string(tok.DecodeBytes(220)); got != " " {
		t.Errorf("DecodeBytes(220) = %q", got)
	}
	// Every token's spelling is its bytes under GPT-2's byte-to-character map.
	for id := 0; id < tok.VocabSize(); id++ {
		if got := bytesToVocabString(tok.DecodeBytes(id)); got != tok.TokenString(id) {
			t.Fatalf("token %d: bytes spell %q, vocabulary %q", id, got, tok.TokenString(id))
		}
	}
}

func TestBPEParityCases(t *testing.T) {
	tok := gpt2Tokenizer(t)
	data, err := os.ReadFile(filepath.Join("testdata", "gpt2", "cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		Text string `json:"text"`
		IDs  []int  `json:"ids"`
	}
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range cases {
		got := tok.Encode(c.Text)
		if !equalInts(got, c.IDs) {
			t.Errorf("Encode(%q) = %v, reference %v (pieces %q)", c.Text, got, c.IDs, appendPieces(nil, c.Text))
		}
		if d := tok.Decode(got); d != c.Text {
			t.Errorf("Decode(Encode(%q)) = %q", c.Text, d)
		}
		n += len(c.IDs)
	}
	t.Logf("%d cases, %d ids equal to the reference", len(cases), n)
}

func TestBPEParityCorpus(t *testing.T) {
	tok := gpt2Tokenizer(t)
	text, err := os.ReadFile(filepath.Join("testdata", "gpt2", "corpus.txt"))
	if err != nil {
		t.Fatal(err)
	}
	idsText, err := os.ReadFile(filepath.Join("testdata", "gpt2", "corpus.ids"))
	if err != nil {
		t.Fatal(err)
	}
	var want []int
	for _, f := range strings.Fields(string(idsText)) {
		id, err := strconv.Atoi(f)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, id)
	}
	got := tok.Encode(string(text))
	for i := 0; i < len(got) && i < len(want); i++ {
		if got[i] != want[i] {
			lo, hi := max(0, i-5), min(len(want), i+5)
			t.Fatalf("id %d: got %d, reference %d; reference ids %v decode to %q, ours %v", i, got[i], want[i],
				want[lo:hi], tok.Decode(want[lo:hi]), got[lo:min(len(got), hi)])
		}
	}
	if len(got) != len(want) {
		t.Fatalf("got %d ids, reference %d", len(got), len(want))
	}
	if d := tok.Decode(got); d != string(text) {
		t.Fatal("corpus does not round-trip")
	}
	t.Logf("%d corpus ids equal to the reference", len(want))
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestPretokenize(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"hello world", []string{"hello", " world"}},
		{"hello  world", []string{"hello", " ", " world"}},
		{"hello   world  ", []string{"hello", "  ", " world", "  "}},
		{"a\t\tb", []string{"a", "\t", "\t", "b"}},
		{"a\t\t\tb", []string{"a", "\t\t", "\t", "b"}},
		{"a \t b", []string{"a", " \t", " b"}},
		{"a\n\nb", []string{"a", "\n", "\n", "b"}},
		{"x\n", []string{"x", "\n"}},
		{"it's we're I've I'm you'll he'd don't", []string{"it", "'s", " we", "'re", " I", "'ve", " I", "'m", " you", "'ll", " he", "'d", " don", "'t"}},
		{"IT'S", []string{"IT", "'", "S"}},
		{"''s", []string{"''", "s"}},
		{"'sup", []string{"'s", "up"}},
		{" 's", []string{" '", "s"}},
		{"abc123 456,7", []string{"abc", "123", " 456", ",", "7"}},
		{"x²½Ⅻ", []string{"x", "²½Ⅻ"}},
		{"Привет, мир", []string{"Привет", ",", " мир"}},
		{"你好，世界", []string{"你好", "，", "世界"}},
		{"नमस्ते", []string{"नमस", "्", "त", "े"}},
		{"e\u0301t\u00e9", []string{"e", "\u0301", "t\u00e9"}},
		{"hi 👍🏽!", []string{"hi", " 👍🏽!"}},
		{"a\u00a0b", []string{"a", "\u00a0", "b"}},
		{"a\u0085b", []string{"a", "\u0085", "b"}},
		{"\ufeffx", []string{"\ufeff", "x"}},
		{"a\xffb", []string{"a", "\xff", "b"}},
		{" \xff\xfe!", []string{" \xff\xfe!"}},
		{"\xe4\xb8", []string{"\xe4\xb8"}},
	} {
		got := appendPieces(nil, c.in)
		if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", c.want) {
			t.Errorf("pieces of %q = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestPretokenizeInvalidUTF8 checks that an invalid byte splits text as the reference
// splits the string with U+FFFD in its place.
func TestPretokenizeInvalidUTF8(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "b", " ", "  ", "\t", "1", "!", "'", "'s", "é", "你", "\xff", "\xc3", "\xe4\xb8", "\xed\xa0\x80", "\n"}
	for iter := 0; iter < 2000; iter++ {
		var raw, fixed strings.Builder
		for k := rng.IntN(12); k >= 0; k-- {
			raw.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		s := raw.String()
		// Replace each invalid byte by U+FFFD, remembering where bytes go.
		var mapping []int // offset in fixed -> offset in s, at character boundaries
		for i := 0; i < len(s); {
			r, size := utf8.DecodeRuneInString(s[i:])
			mapping = append(mapping, i)
			if r == utf8.RuneError && size == 1 {
				fixed.WriteString("\ufffd")
				for range len("\ufffd") - 1 {
					mapping = append(mapping, -1)
				}
			} else {
				fixed.WriteString(s[i : i+size])
				for range size - 1 {
					mapping = append(mapping, -1)
				}
			}
			i += size
		}
		mapping = append(mapping, len(s))
		f := fixed.String()
		var bounds []int
		for i := 0; i < len(f); {
			i = nextPiece(f, i)
			bounds = append(bounds, mapping[i])
		}
		var got []int
		for i := 0; i < len(s); {
			i = nextPiece(s, i)
			got = append(got, i)
		}
		if !equalInts(got, bounds) {
			t.Fatalf("%q: piece ends %v, with U+FFFD %v", s, got, bounds)
		}
	}
}

func TestBPERoundTripInvalidUTF8(t *testing.T) {
	tok := gpt2Tokenizer(t)
	rng := rand.New(rand.NewPCG(3, 4))
	for iter := 0; iter < 500; iter++ {
		b := make([]byte, rng.IntN(40))
		for i := range b {
			b[i] = byte(rng.UintN(256))
		}
		s := string(b)
		if got := tok.Decode(tok.Encode(s)); got != s {
			t.Fatalf("round trip of %q gave %q", s, got)
		}
	}
}

// slowMerge is the reference merge loop, written for clarity: repeatedly merge every
// non-overlapping occurrence of the lowest-ranked pair, left to right.
func slowMerge(tok *BPETokenizer, piece string) []int {
	var word []int32
	for i := 0; i < len(piece); i++ {
		word = append(word, tok.byteID[piece[i]])
	}
	for len(word) > 1 {
		best := int32(-1)
		var bm bpeMerge
		for i := 0; i+1 < len(word); i++ {
			if m, ok := tok.merges.get(pairKey(word[i], word[i+1])); ok && (best < 0 || m.rank < bm.rank) {
				best, bm = int32(i), m
			}
		}
		if best < 0 {
			break
		}
		a, b := word[best], word[best+1]
		var next []int32
		for i := 0; i < len(word); {
			if i+1 < len(word) && word[i] == a && word[i+1] == b {
				next = append(next, bm.id)
				i += 2
			} else {
				next = append(next, word[i])
				i++
			}
		}
		word = next
	}
	out := make([]int, len(word))
	for i, id := range word {
		out[i] = int(id)
	}
	return out
}

func TestBPEMergeMatchesSlowMerge(t *testing.T) {
	tok := gpt2Tokenizer(t)
	text := mixedText(rand.New(rand.NewPCG(5, 6)), 100_000)
	// Long pieces: runs of one letter, of a pair, of spaces, of a CJK character.
	text += " " + strings.Repeat("a", 5000) + " " + strings.Repeat("ab", 3000) + strings.Repeat(" ", 4000) + "x" +
		strings.Repeat("你", 1000) + " " + strings.Repeat("!", 3000)
	for i := 0; i < len(text); {
		j := nextPiece(text, i)
		piece := text[i:j]
		i = j
		w := new(bpeWork)
		got := tok.mergePiece(w, piece)
		want := slowMerge(tok, piece)
		if len(got) != len(want) {
			t.Fatalf("piece %q: %v, slow %v", piece, got, want)
		}
		for k := range got {
			if int(got[k]) != want[k] {
				t.Fatalf("piece %q: %v, slow %v", piece, got, want)
			}
		}
	}
}

// TestBPEHeldBackMerges checks the merge order when a merged token's own merge ranks
// before the merge that made it (never the case in GPT-2's list).
func TestBPEHeldBackMerges(t *testing.T) {
	vocab := map[string]int{}
	for b := 0; b < 256; b++ {
		vocab[string(byteToRune[b])] = b
	}
	vocab["ab"], vocab["bc"], vocab["abc"], vocab["aa"], vocab["aaa"] = 256, 257, 258, 259, 260
	vj, _ := json.Marshal(vocab)
	merges := "#version: 0.2\nab c\na b\nb c\na a\naa a\n"
	tok, err := NewBPE(bytes.NewReader(vj), strings.NewReader(merges))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"abc", "ababc", "abcbc", "aaaa", "aaaaa", "abcabcab"} {
		w := new(bpeWork)
		got := tok.mergePiece(w, s)
		want := slowMerge(tok, s)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%q: %v, slow %v", s, got, want)
		}
	}
}

func TestBPELoadErrors(t *testing.T) {
	good := map[string]int{}
	for b := 0; b < 256; b++ {
		good[string(byteToRune[b])] = b
	}
	good["ab"] = 256
	gj, _ := json.Marshal(good)
	for _, c := range []struct {
		name, vocab, merges, want string
	}{
		{"not json", "{", "", "vocabulary"},
		{"array", "[1,2]", "", "vocabulary"},
		{"null", "null", "", "not a JSON object"},
		{"trailing", string(gj) + " {}", "", "trailing"},
		{"float id", `{"a": 0.5}`, "", "integer"},
		{"negative id", `{"a": -1}`, "", "integer"},
		{"sparse id", `{"a": 5}`, "", "integer"},
		{"duplicate id", `{"a": 0, "b": 0}`, "", "used by"},
		{"missing byte", `{"a": 0}`, "", "no token for byte"},
		{"bad merge line", string(gj), "#version: 0.2\na b c\n", "line 2"},
		{"unknown merge token", string(gj), "#version: 0.2\na zz\n", "not in the vocabulary"},
		{"unknown merged token", string(gj), "#version: 0.2\nb a\n", "merged token"},
	} {
		_, err := NewBPE(strings.NewReader(c.vocab), strings.NewReader(c.merges))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one mentioning %q", c.name, err, c.want)
		}
	}
	tok, err := NewBPE(bytes.NewReader(gj), strings.NewReader("#version: 0.2\r\na b\r\n\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := tok.Encode("abab"); fmt.Sprint(got) != "[256 256]" {
		t.Errorf("Encode(abab) = %v", got)
	}
	if _, err := LoadBPE("testdata/missing.json", "testdata/missing.txt"); err == nil {
		t.Error("LoadBPE of missing files succeeded")
	}
	if _, err := LoadBPEDir("testdata"); err == nil {
		t.Error("LoadBPEDir without tokenizer files succeeded")
	}
}

func TestBPEConcurrent(t *testing.T) {
	tok := gpt2Tokenizer(t)
	text := mixedText(rand.New(rand.NewPCG(7, 8)), 20_000)
	want := tok.Encode(text)
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if got := tok.Encode(text); !equalInts(got, want) {
				t.Error("concurrent Encode differs")
			}
		}()
	}
	wg.Wait()
}

// mixedText returns about n bytes of non-repeating text: random words from several
// scripts, numbers, punctuation, emoji and white space.
func mixedText(rng *rand.Rand, n int) string {
	scripts := [][2]rune{
		{'a', 'z'}, {'a', 'z'}, {'a', 'z'}, {'A', 'Z'}, {0x430, 0x44F}, {0x4E00, 0x4FFF},
		{0x3041, 0x3096}, {0x0627, 0x064A}, {0x0915, 0x0939}, {0xAC00, 0xAC80}, {0x3B1, 0x3C9},
	}
	punct := []string{".", ",", "!", "?", ";", ":", "-", "(", ")", "\"", "'s", "'t", "...", "—", "“", "”"}
	spaces := []string{" ", " ", " ", " ", " ", "  ", "\n", "\n\n", "\t", "   "}
	emoji := []string{"👍", "👍🏽", "🚀", "👨‍👩‍👧", "❤️", "🇯🇵"}
	var b strings.Builder
	for b.Len() < n {
		switch k := rng.IntN(20); {
		case k < 14:
			sc := scripts[rng.IntN(len(scripts))]
			for l := 1 + rng.IntN(9); l > 0; l-- {
				b.WriteRune(sc[0] + rune(rng.IntN(int(sc[1]-sc[0]+1))))
			}
		case k < 16:
			b.WriteString(strconv.Itoa(rng.IntN(100000)))
		case k < 19:
			b.WriteString(punct[rng.IntN(len(punct))])
		default:
			b.WriteString(emoji[rng.IntN(len(emoji))])
		}
		b.WriteString(spaces[rng.IntN(len(spaces))])
	}
	return b.String()
}

// BenchmarkBPEEncode encodes 2 MB of non-repeating mixed-script text (random words in
// eleven scripts, numbers, punctuation, emoji, white space) with an empty piece cache.
func BenchmarkBPEEncode(b *testing.B) {
	tok := gpt2Tokenizer(b)
	text := mixedText(rand.New(rand.NewPCG(9, 10)), 2<<20)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := processCPUTime()
	for i := 0; i < b.N; i++ {
		// A fresh cache each time: the text does not repeat, so the measurement is of
		// first-time merging as much as of cache hits.
		for i := range tok.cache {
			tok.cache[i].Store(nil)
		}
		tok.Encode(text)
	}
	// Throughput per second of process CPU time (including the garbage collector), which
	// a busy machine disturbs less than the wall clock; run with -cpu 1.
	if cpu := processCPUTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(b.N)*float64(len(text))/1e6/cpu.Seconds(), "MB/cpu-s")
	}
}

func BenchmarkBPEEncodeCorpus(b *testing.B) {
	tok := gpt2Tokenizer(b)
	text, err := os.ReadFile(filepath.Join("testdata", "gpt2", "corpus.txt"))
	if err != nil {
		b.Fatal(err)
	}
	s := string(text)
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		tok.Encode(s)
	}
}

func BenchmarkBPEDecode(b *testing.B) {
	tok := gpt2Tokenizer(b)
	text := mixedText(rand.New(rand.NewPCG(9, 10)), 1<<20)
	ids := tok.Encode(text)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tok.Decode(ids)
	}
}

func FuzzBPERoundTrip(f *testing.F) {
	tok := gpt2Tokenizer(f)
	for _, s := range []string{"", "hello world", "it's  \t\n", "你好👍🏽", "\xff\xfe", "'''s  x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ids := tok.Encode(s)
		if got := tok.Decode(ids); got != s {
			t.Fatalf("round trip of %q gave %q", s, got)
		}
		var n int
		for i := 0; i < len(s); {
			j := nextPiece(s, i)
			if j <= i || j > len(s) {
				t.Fatalf("nextPiece(%q, %d) = %d", s, i, j)
			}
			n += len(slowMerge(tok, s[i:j]))
			i = j
		}
		if n != len(ids) {
			t.Fatalf("%q: %d ids, slow merge gives %d", s, len(ids), n)
		}
	})
}

func FuzzBPELoad(f *testing.F) {
	f.Add([]byte(`{"a": 0, "b": 1}`), []byte("#version: 0.2\na b\n"))
	f.Add([]byte(`{"!": 0}`), []byte("a b"))
	full := map[string]int{}
	for b := 0; b < 256; b++ {
		full[string(byteToRune[b])] = b
	}
	full["ab"], full["abc"] = 256, 257
	fj, _ := json.Marshal(full)
	f.Add(fj, []byte("#version: 0.2\na b\nab c\n"))
	f.Fuzz(func(t *testing.T, vocab, merges []byte) {
		tok, err := NewBPE(bytes.NewReader(vocab), bytes.NewReader(merges))
		if err != nil {
			return
		}
		s := "abc ab\xff c"
		if got := tok.Decode(tok.Encode(s)); got != s {
			t.Fatalf("round trip gave %q", got)
		}
	})
}

// TestBPEHuggingFaceNames loads the same data under Hugging Face's file names, with the
// vocabulary re-serialised and the merges written with CRLF line ends.
func TestBPEHuggingFaceNames(t *testing.T) {
	tok := gpt2Tokenizer(t)
	dir := t.TempDir()
	vocab := make(map[string]int, tok.VocabSize())
	for id := 0; id < tok.VocabSize(); id++ {
		vocab[tok.TokenString(id)] = id
	}
	vj, err := json.MarshalIndent(vocab, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	merges, err := os.ReadFile(filepath.Join("testdata", "gpt2", "vocab.bpe"))
	if err != nil {
		t.Fatal(err)
	}
	merges = bytes.ReplaceAll(merges, []byte("\n"), []byte("\r\n"))
	if err := os.WriteFile(filepath.Join(dir, "vocab.json"), vj, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "merges.txt"), merges, 0o644); err != nil {
		t.Fatal(err)
	}
	hf, err := LoadBPEDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	text := mixedText(rand.New(rand.NewPCG(11, 12)), 20_000)
	if !equalInts(hf.Encode(text), tok.Encode(text)) {
		t.Fatal("vocab.json/merges.txt encode differently from encoder.json/vocab.bpe")
	}
}

func TestBPEDecodeSpecialSpellingAndPanics(t *testing.T) {
	vocab := map[string]int{}
	for b := 0; b < 256; b++ {
		vocab[string(byteToRune[b])] = b
	}
	vocab["▁added"] = 256 // not spelled in the byte alphabet: decodes to its spelling
	vj, _ := json.Marshal(vocab)
	tok, err := NewBPE(bytes.NewReader(vj), strings.NewReader("#version: 0.2\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := tok.Decode([]int{256, 'a'}); got != "▁addeda" { // byte b has id b here
		t.Errorf("Decode = %q", got)
	}
	for _, id := range []int{-1, 257} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "outside the vocabulary") {
					t.Errorf("Decode(%d): panic %v", id, r)
				}
			}()
			tok.Decode([]int{id})
		}()
	}
}
