package nn

import (
	"math/rand/v2"

	"github.com/tenet-ml/tenet/autodiff"
)

// Embedding maps integer ids to the rows of a (vocabulary, dim) table.
type Embedding struct {
	// Name prefixes the parameter name: Name.weight.
	Name string
	// W is the (vocabulary, dim) table.
	W *autodiff.Var
	// WeightInit draws the table in Init; NewEmbedding sets Normal(1), PyTorch's default.
	WeightInit Init
}

// NewEmbedding returns an embedding of vocab ids into dim features drawn from N(0, 1).
func NewEmbedding(name string, vocab, dim int, rng *rand.Rand) *Embedding {
	e := &Embedding{Name: name, WeightInit: Normal(1)}
	e.W = newParam(e.WeightInit, vocab, dim, rng, vocab, dim)
	return e
}

// Forward returns the rows for ids as a (len(ids), dim) matrix. The tape keeps ids until
// Backward.
func (e *Embedding) Forward(tp *autodiff.Tape, ids []int) *autodiff.Var {
	return tp.Embedding(e.W, ids)
}

// Params returns Name.weight.
func (e *Embedding) Params() []autodiff.Param {
	return []autodiff.Param{{Name: join(e.Name, "weight"), Var: e.W}}
}

// Init redraws the table.
func (e *Embedding) Init(rng *rand.Rand) {
	e.WeightInit(e.W.Value.Data(), e.W.Value.Dim(0), e.W.Value.Dim(1), rng)
}

// Clone returns a deep copy of e.
func (e *Embedding) Clone() *Embedding {
	c := *e
	c.W = cloneVar(e.W)
	return &c
}
