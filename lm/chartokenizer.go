package lm

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Spellings of the usual special tokens of a CharTokenizer.
const (
	PadToken     = "<pad>" // padding
	BOSToken     = "<bos>" // beginning of sequence
	EOSToken     = "<eos>" // end of sequence
	UnknownToken = "<unk>" // a character outside the alphabet
)

// CharTokenizer is a character-level tokenizer over a fixed alphabet, for tasks whose text
// is drawn from a small known set of characters (digits and operators, a protein alphabet,
// Shakespeare's letters).
//
// The ids are the special tokens first, in the order given to NewCharTokenizer, then the
// characters of the alphabet in order. Encode maps each character to its id and any
// character outside the alphabet (including each byte of invalid UTF-8) to the
// UnknownToken, which every CharTokenizer has; EncodeStrict reports such characters as an
// error instead. Text is never parsed for special tokens: "<eos>" in the text is five
// characters. Decode writes characters as themselves and special tokens as their
// spellings.
//
// A CharTokenizer is immutable and safe for concurrent use.
type CharTokenizer struct {
	specials []string
	special  map[string]int
	runes    []rune // runes[id-len(specials)]
	ascii    [utf8.RuneSelf]int32
	other    map[rune]int32
	unk      int
}

// NewCharTokenizer returns a character-level tokenizer over the characters of alphabet,
// with the given special tokens ahead of them. With no specials, it uses PadToken,
// BOSToken, EOSToken and UnknownToken (ids 0, 1, 2, 3). UnknownToken is appended to the
// specials if they lack it. It returns an error if alphabet is empty, not valid UTF-8 or
// repeats a character, or if a special token is empty, repeated or a single character of the
// alphabet.
func NewCharTokenizer(alphabet string, specials ...string) (*CharTokenizer, error) {
	if alphabet == "" {
		return nil, errors.New("lm: NewCharTokenizer: empty alphabet")
	}
	if !utf8.ValidString(alphabet) {
		return nil, errors.New("lm: NewCharTokenizer: alphabet is not valid UTF-8")
	}
	if len(specials) == 0 {
		specials = []string{PadToken, BOSToken, EOSToken, UnknownToken}
	}
	t := &CharTokenizer{special: make(map[string]int), other: make(map[rune]int32)}
	for i := range t.ascii {
		t.ascii[i] = -1
	}
	for _, s := range specials {
		if s == "" {
			return nil, errors.New("lm: NewCharTokenizer: empty special token")
		}
		if _, dup := t.special[s]; dup {
			return nil, fmt.Errorf("lm: NewCharTokenizer: special token %q repeated", s)
		}
		t.special[s] = len(t.specials)
		t.specials = append(t.specials, s)
	}
	if _, ok := t.special[UnknownToken]; !ok {
		t.special[UnknownToken] = len(t.specials)
		t.specials = append(t.specials, UnknownToken)
	}
	t.unk = t.special[UnknownToken]
	for _, r := range alphabet {
		id := int32(len(t.specials) + len(t.runes))
		if t.lookup(r) >= 0 {
			return nil, fmt.Errorf("lm: NewCharTokenizer: character %q repeated in the alphabet", r)
		}
		if r < utf8.RuneSelf {
			t.ascii[r] = id
		} else {
			t.other[r] = id
		}
		t.runes = append(t.runes, r)
	}
	for _, s := range t.specials {
		if r, size := utf8.DecodeRuneInString(s); size == len(s) && t.lookup(r) >= 0 {
			return nil, fmt.Errorf("lm: NewCharTokenizer: special token %q is also a character of the alphabet", s)
		}
	}
	return t, nil
}

// lookup returns the id of r, or -1 if it is outside the alphabet.
func (t *CharTokenizer) lookup(r rune) int32 {
	if 0 <= r && r < utf8.RuneSelf {
		return t.ascii[r]
	}
	if id, ok := t.other[r]; ok {
		return id
	}
	return -1
}

// VocabSize returns the number of special tokens plus the size of the alphabet.
func (t *CharTokenizer) VocabSize() int { return len(t.specials) + len(t.runes) }

// Alphabet returns the characters of the tokenizer in id order.
func (t *CharTokenizer) Alphabet() string { return string(t.runes) }

// Specials returns the special tokens in id order (ids 0, 1, ...).
func (t *CharTokenizer) Specials() []string { return append([]string(nil), t.specials...) }

// Unknown returns the id of UnknownToken.
func (t *CharTokenizer) Unknown() int { return t.unk }

// TokenID returns the id of a special token or of a single character, and whether it
// exists.
func (t *CharTokenizer) TokenID(token string) (int, bool) {
	if id, ok := t.special[token]; ok {
		return id, true
	}
	if r, size := utf8.DecodeRuneInString(token); size == len(token) && size > 0 && !(r == utf8.RuneError && size == 1) {
		if id := t.lookup(r); id >= 0 {
			return int(id), true
		}
	}
	return 0, false
}

// Encode returns the ids of the characters of text, with UnknownToken for characters
// outside the alphabet.
func (t *CharTokenizer) Encode(text string) []int {
	ids := make([]int, 0, len(text))
	for i, r := range text {
		id := t.lookup(r)
		if id < 0 || (r == utf8.RuneError && !strings.HasPrefix(text[i:], "\uFFFD")) {
			id = int32(t.unk)
		}
		ids = append(ids, int(id))
	}
	return ids
}

// EncodeStrict returns the ids of the characters of text, or an error naming the first
// character outside the alphabet and its byte offset.
func (t *CharTokenizer) EncodeStrict(text string) ([]int, error) {
	ids := make([]int, 0, len(text))
	for i, r := range text {
		id := t.lookup(r)
		if id < 0 || (r == utf8.RuneError && !strings.HasPrefix(text[i:], "\uFFFD")) {
			if r == utf8.RuneError {
				return nil, fmt.Errorf("lm: CharTokenizer: invalid UTF-8 at byte offset %d", i)
			}
			return nil, fmt.Errorf("lm: CharTokenizer: character %q at byte offset %d is not in the alphabet", r, i)
		}
		ids = append(ids, int(id))
	}
	return ids, nil
}

// Decode returns the text of ids: characters as themselves, special tokens as their
// spellings. It panics if an id is outside [0, VocabSize()).
func (t *CharTokenizer) Decode(ids []int) string {
	var b strings.Builder
	b.Grow(len(ids))
	for _, id := range ids {
		switch {
		case id < 0 || id >= t.VocabSize():
			panic(fmt.Sprintf("lm: CharTokenizer.Decode: token id %d is outside the vocabulary [0, %d)", id, t.VocabSize()))
		case id < len(t.specials):
			b.WriteString(t.specials[id])
		default:
			b.WriteRune(t.runes[id-len(t.specials)])
		}
	}
	return b.String()
}
