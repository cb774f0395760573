package autodiff

import "fmt"

// Embedding returns the rows of table (V, D) selected by ids, as a (len(ids), D) matrix;
// reshape it for batched sequences. The backward pass scatter-adds into the table's gradient
// (an id used twice gets both contributions). The tape keeps ids until Backward: the caller
// must not modify it before then.
func (tp *Tape) Embedding(table *Var, ids []int) *Var {
	shape := table.Value.Shape()
	if len(shape) != 2 {
		panic(fmt.Sprintf("autodiff: Embedding: table %v is not a matrix", shape))
	}
	v, d := shape[0], shape[1]
	rec := tp.recording(table.RequiresGrad)
	out := tp.newVar(tp.buf(len(ids), d), rec)
	y, w := out.Value.Data(), table.Value.Data()
	for i, id := range ids {
		if id < 0 || id >= v {
			panic(fmt.Sprintf("autodiff: Embedding: id %d out of range for table %v", id, shape))
		}
		copy(y[i*d:(i+1)*d], w[id*d:(id+1)*d])
	}
	if rec {
		r := record{op: opEmbedding, out: out, a: table, ix: ids}
		r.i[0] = d
		tp.push(r)
	}
	return out
}

func embeddingBackward(tp *Tape, r *record) {
	dw := tp.grad(r.a)
	if dw == nil {
		return
	}
	d := r.i[0]
	dy := r.out.Grad.Data()
	for i, id := range r.ix {
		g, w := dy[i*d:(i+1)*d], dw[id*d:(id+1)*d]
		for j, v := range g {
			w[j] += v
		}
	}
}
