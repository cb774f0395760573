package autodiff

import (
	"fmt"

	"github.com/tenet-ml/tenet/tensor"
)

// Embedding returns the rows of table (V, D) selected by ids, as a (len(ids), D) matrix;
// reshape it for batched sequences. The backward pass scatter-adds into the table's gradient
// (an id used twice gets both contributions). The tape keeps ids until Backward: the caller
// must not modify it before then.
func (tp *Tape) Embedding(table *Var, ids []int) *Var {
	shape := table.Value.Shape()
	if len(shape) != 2 {
		panic(fmt.Sprintf("autodiff: Embedding: table %v is not a matrix", shape))
	}
	rec := tp.recording(table.RequiresGrad)
	out := tp.newVar(tp.buf(len(ids), shape[1]), rec)
	tensor.GatherInto(out.Value, table.Value, ids)
	if rec {
		tp.push(record{op: opEmbedding, out: out, a: table, ix: ids})
	}
	return out
}

func embeddingBackward(tp *Tape, r *record) {
	if dw := gradTensor(tp, r.a); dw != nil {
		tensor.ScatterAdd(dw, r.ix, r.out.Grad)
	}
}
