package lm

import (
	"fmt"
	"math/rand/v2"
)

// Model is an autoregressive language model over a fixed vocabulary.
//
// Token ids are in [0, VocabSize()). A sequence holds at most MaxLen() tokens. A Model is safe
// for concurrent calls to NewState; each State it returns is used by one goroutine at a time.
type Model interface {
	// VocabSize returns the number of tokens in the vocabulary: the length of every logit row.
	VocabSize() int
	// MaxLen returns the longest sequence the model accepts (its context length).
	MaxLen() int
	// NewState returns an empty decoding state (for a transformer, a KV cache) for one
	// sequence.
	NewState() State
}

// State is one sequence being decoded.
//
// Append feeds tokens and returns, for each fed position, the raw next-token logits (before
// temperature or any filtering): row i predicts the token after tokens[i]. The rows are owned
// by the State and valid only until the next Append or Truncate on it; copy them to keep them.
// Append panics if the sequence would exceed the model's MaxLen or a token is outside the
// vocabulary; Truncate panics if n < 0 or n > Len(). A State is not safe for concurrent use.
type State interface {
	// Append feeds tokens and returns next-token logits for each fed position.
	Append(tokens []int) [][]float32
	// Len returns the number of tokens fed so far.
	Len() int
	// Truncate rolls the state back to its first n tokens, as if only they had been fed.
	Truncate(n int)
}

// BigramModel is a Model whose next-token logits depend only on the previous token: after
// token t the logits are Logits[t]. It is exact, tiny and fast, which makes it a convenient
// stand-in for a trained network in examples and tests (for instance as a teacher or draft
// model with a known distribution).
//
// A BigramModel is safe for concurrent use as long as Logits is not modified; its States
// are used by one goroutine each.
type BigramModel struct {
	// Logits[t] is the row of next-token logits after token t; every row has length
	// len(Logits).
	Logits [][]float32
	// Context is the model's MaxLen.
	Context int
}

// NewBigramModel returns a BigramModel with the given square table of logits (rows are
// referenced, not copied) and context length. It panics if the table is empty or not square,
// or if maxLen < 1.
func NewBigramModel(logits [][]float32, maxLen int) *BigramModel {
	if len(logits) == 0 {
		panic("lm: NewBigramModel: empty logit table")
	}
	for i, row := range logits {
		if len(row) != len(logits) {
			panic(fmt.Sprintf("lm: NewBigramModel: row %d has %d logits, want %d (the table must be square)", i, len(row), len(logits)))
		}
	}
	if maxLen < 1 {
		panic(fmt.Sprintf("lm: NewBigramModel: maxLen %d < 1", maxLen))
	}
	return &BigramModel{Logits: logits, Context: maxLen}
}

// NewRandomBigramModel returns a BigramModel over vocab tokens whose logits are drawn
// independently from a normal distribution with standard deviation scale.
func NewRandomBigramModel(vocab, maxLen int, scale float32, rng *rand.Rand) *BigramModel {
	if vocab < 1 {
		panic(fmt.Sprintf("lm: NewRandomBigramModel: vocab %d < 1", vocab))
	}
	table := make([][]float32, vocab)
	for i := range table {
		row := make([]float32, vocab)
		for j := range row {
			row[j] = scale * float32(rng.NormFloat64())
		}
		table[i] = row
	}
	return NewBigramModel(table, maxLen)
}

// VocabSize returns len(m.Logits).
func (m *BigramModel) VocabSize() int { return len(m.Logits) }

// MaxLen returns m.Context.
func (m *BigramModel) MaxLen() int { return m.Context }

// NewState returns an empty State of the model.
func (m *BigramModel) NewState() State { return &bigramState{m: m} }

type bigramState struct {
	m    *BigramModel
	toks []int
	rows [][]float32
	buf  []float32
}

func (s *bigramState) Append(tokens []int) [][]float32 {
	v := len(s.m.Logits)
	if len(s.toks)+len(tokens) > s.m.Context {
		panic(fmt.Sprintf("lm: BigramModel: Append of %d tokens to a state of length %d exceeds MaxLen %d", len(tokens), len(s.toks), s.m.Context))
	}
	for i, t := range tokens {
		if t < 0 || t >= v {
			panic(fmt.Sprintf("lm: BigramModel: token %d at index %d is outside the vocabulary [0, %d)", t, i, v))
		}
	}
	if cap(s.buf) < len(tokens)*v {
		s.buf = make([]float32, len(tokens)*v)
	}
	s.buf = s.buf[:len(tokens)*v]
	s.rows = s.rows[:0]
	for i, t := range tokens {
		row := s.buf[i*v : (i+1)*v : (i+1)*v]
		copy(row, s.m.Logits[t])
		s.rows = append(s.rows, row)
	}
	s.toks = append(s.toks, tokens...)
	return s.rows
}

func (s *bigramState) Len() int { return len(s.toks) }

func (s *bigramState) Truncate(n int) {
	if n < 0 || n > len(s.toks) {
		panic(fmt.Sprintf("lm: BigramModel: Truncate(%d) on a state of length %d", n, len(s.toks)))
	}
	s.toks = s.toks[:n]
	s.rows = s.rows[:0]
}
