package lm

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/tenet-ml/tenet/autodiff"
)

// TestLossBackwardMatchesLoss checks the data-parallel loss and gradient against Loss and
// Backward on one tape, without and with a mask (whose shards hold different numbers of
// counted positions), and with more replicas than sequences.
func TestLossBackwardMatchesLoss(t *testing.T) {
	const batch, seq = 5, 12
	m := NewTransformer(Config{VocabSize: 23, MaxLen: seq, Layers: 2, Heads: 2, Width: 16}, rand.New(rand.NewPCG(1, 2)))
	ps := m.Params()
	ids, targets := randomIDs(batch*seq, 23, 5), randomIDs(batch*seq, 23, 6)
	mask := make([]float32, batch*seq)
	for i := range mask {
		if (i%seq)*(i/seq+1)%3 != 0 { // a different count of weighted positions per sequence
			mask[i] = 1
		}
	}
	for _, mk := range [][]float32{nil, mask} {
		tp := autodiff.NewTape()
		autodiff.ZeroGrad(ps)
		l := m.Loss(tp, ids, targets, mk, batch)
		tp.Backward(l)
		want := float64(l.Value.Item())
		var wantGrads [][]float32
		for _, p := range ps {
			wantGrads = append(wantGrads, p.Grad.Clone().Data())
		}
		for _, replicas := range []int{1, 2, 3, 7} {
			autodiff.ZeroGrad(ps)
			got := m.LossBackward(autodiff.NewDataParallel(ps, replicas), ids, targets, mk, batch)
			if math.Abs(got-want) > 1e-5 {
				t.Errorf("mask %v, %d replicas: loss %v, want %v", mk != nil, replicas, got, want)
			}
			for j, p := range ps {
				for i, g := range p.Grad.Data() {
					if math.Abs(float64(g-wantGrads[j][i])) > 2e-6 {
						t.Fatalf("mask %v, %d replicas: %s[%d] = %v, want %v", mk != nil, replicas, p.Name, i, g, wantGrads[j][i])
					}
				}
			}
		}
	}
}
