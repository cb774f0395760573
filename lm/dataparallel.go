package lm

import (
	"fmt"

	"github.com/tenet-ml/tenet/autodiff"
	"github.com/tenet-ml/tenet/tensor"
)

// LossBackward is Loss followed by Backward, computed data-parallel: the batch's sequences
// are split into dp.Replicas() contiguous shards of whole sequences, each shard's loss is
// built and differentiated on its own replica at the same time, and the gradient of the
// batch's loss accumulates into the parameters' Grad. It returns the batch's loss. Each shard
// is weighted by its share of the counted positions (Σ mask over the shard, or its targets
// other than autodiff.IgnoreIndex without a mask), so the result equals Loss over the whole
// batch up to the order of floating-point additions. dp must be made over m.Params(); with
// more replicas than sequences the extra replicas idle.
func (m *Transformer) LossBackward(dp *autodiff.DataParallel, ids, targets []int, mask []float32, batch int) float64 {
	if batch < 1 || len(ids)%batch != 0 || len(targets) != len(ids) || (mask != nil && len(mask) != len(ids)) {
		panic(fmt.Sprintf("lm: Transformer.LossBackward: %d ids, %d targets, %d mask weights, batch %d", len(ids), len(targets), len(mask), batch))
	}
	t, n := len(ids)/batch, dp.Replicas()
	count := func(lo, hi int) float64 {
		var c float64
		for i := lo; i < hi; i++ {
			switch {
			case mask != nil:
				c += float64(mask[i])
			case targets[i] != autodiff.IgnoreIndex:
				c++
			}
		}
		return c
	}
	total := count(0, len(ids))
	return dp.Backward(func(r int, tp *autodiff.Tape) (*autodiff.Var, float64) {
		lo, hi := r*batch/n*t, (r+1)*batch/n*t
		c := count(lo, hi)
		if c == 0 {
			return autodiff.NewVar(tensor.Scalar(0), false), 0
		}
		var sm []float32
		if mask != nil {
			sm = mask[lo:hi]
		}
		return m.Loss(tp, ids[lo:hi], targets[lo:hi], sm, (hi-lo)/t), c / total
	})
}
