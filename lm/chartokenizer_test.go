package lm

import (
	"reflect"
	"strings"
	"testing"
)

func TestCharTokenizer(t *testing.T) {
	tok, err := NewCharTokenizer("0123456789+=")
	if err != nil {
		t.Fatal(err)
	}
	if tok.VocabSize() != 16 || tok.Unknown() != 3 || tok.Alphabet() != "0123456789+=" {
		t.Fatalf("vocab %d unk %d alphabet %q", tok.VocabSize(), tok.Unknown(), tok.Alphabet())
	}
	if !reflect.DeepEqual(tok.Specials(), []string{PadToken, BOSToken, EOSToken, UnknownToken}) {
		t.Fatalf("specials %v", tok.Specials())
	}
	ids := tok.Encode("12+3=15")
	if !reflect.DeepEqual(ids, []int{5, 6, 14, 7, 15, 5, 9}) {
		t.Fatalf("Encode = %v", ids)
	}
	eos, _ := tok.TokenID(EOSToken)
	if got := tok.Decode(append(ids, eos)); got != "12+3=15<eos>" {
		t.Fatalf("Decode = %q", got)
	}
	if got := tok.Encode("1x\xff"); !reflect.DeepEqual(got, []int{5, 3, 3}) {
		t.Fatalf("unknown characters: %v", got)
	}
	if _, err := tok.EncodeStrict("12x"); err == nil || !strings.Contains(err.Error(), `'x' at byte offset 2`) {
		t.Fatalf("EncodeStrict error %v", err)
	}
	if _, err := tok.EncodeStrict("1\xff"); err == nil || !strings.Contains(err.Error(), "invalid UTF-8") {
		t.Fatalf("EncodeStrict error %v", err)
	}
	if got, err := tok.EncodeStrict("9=9"); err != nil || !reflect.DeepEqual(got, []int{13, 15, 13}) {
		t.Fatalf("EncodeStrict = %v, %v", got, err)
	}
	for _, s := range []string{"<eos>", "7"} {
		if _, ok := tok.TokenID(s); !ok {
			t.Errorf("TokenID(%q) missing", s)
		}
	}
	for _, s := range []string{"<xyz>", "a", "", "12"} {
		if _, ok := tok.TokenID(s); ok {
			t.Errorf("TokenID(%q) found", s)
		}
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("Decode of an out-of-range id did not panic")
			}
		}()
		tok.Decode([]int{16})
	}()
}

func TestCharTokenizerUnicode(t *testing.T) {
	tok, err := NewCharTokenizer("абв 你好\uFFFD", "<s>")
	if err != nil {
		t.Fatal(err)
	}
	// <s>, then <unk> appended, then the alphabet.
	if tok.VocabSize() != 9 || tok.Unknown() != 1 {
		t.Fatalf("vocab %d unk %d", tok.VocabSize(), tok.Unknown())
	}
	s := "ба 你好\uFFFD"
	if got := tok.Decode(tok.Encode(s)); got != s {
		t.Fatalf("round trip %q", got)
	}
	// An invalid byte is unknown even though U+FFFD is in the alphabet.
	if got := tok.Encode("\xff"); !reflect.DeepEqual(got, []int{1}) {
		t.Fatalf("invalid byte: %v", got)
	}
}

func TestCharTokenizerErrors(t *testing.T) {
	for name, c := range map[string]struct {
		alphabet string
		specials []string
	}{
		"empty":            {"", nil},
		"invalid":          {"ab\xff", nil},
		"repeated":         {"abca", nil},
		"empty special":    {"ab", []string{""}},
		"repeated special": {"ab", []string{"<s>", "<s>"}},
		"special is char":  {"ab", []string{"a"}},
	} {
		if _, err := NewCharTokenizer(c.alphabet, c.specials...); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func FuzzCharTokenizer(f *testing.F) {
	f.Add("0123456789+=", "12+3=15")
	f.Add("abc", "abd\xff")
	f.Add("你好", "你好吗")
	f.Fuzz(func(t *testing.T, alphabet, text string) {
		tok, err := NewCharTokenizer(alphabet)
		if err != nil {
			return
		}
		ids := tok.Encode(text)
		for _, id := range ids {
			if id < 0 || id >= tok.VocabSize() {
				t.Fatalf("id %d outside [0, %d)", id, tok.VocabSize())
			}
		}
		strict, err := tok.EncodeStrict(text)
		if err != nil {
			return
		}
		if !reflect.DeepEqual(strict, ids) {
			t.Fatalf("EncodeStrict %v, Encode %v", strict, ids)
		}
		if got := tok.Decode(ids); got != text {
			t.Fatalf("round trip of %q gave %q", text, got)
		}
	})
}
