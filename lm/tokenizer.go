package lm

// Tokenizer turns text into token ids and back.
//
// Encode and Decode are inverse on text the tokenizer can represent: for a byte-level BPE
// that is every string; a CharTokenizer maps characters outside its alphabet to its unknown
// token. TokenID looks a token up by its spelling, which is how special tokens such as
// "<|endoftext|>" or "<eos>" are found. Decode panics on ids outside [0, VocabSize()).
// The tokenizers of this package are safe for concurrent use.
type Tokenizer interface {
	// Encode returns the token ids of text.
	Encode(text string) []int
	// Decode returns the text of a sequence of token ids.
	Decode(ids []int) string
	// VocabSize returns the number of tokens.
	VocabSize() int
	// TokenID returns the id of the token spelled token, and whether there is one.
	TokenID(token string) (int, bool)
}

var (
	_ Tokenizer = (*BPETokenizer)(nil)
	_ Tokenizer = (*CharTokenizer)(nil)
)
