package autodiff

import (
	"math"
	"strings"
	"testing"

	"github.com/tenet-ml/tenet/tensor"
)

// dpNet is a two-layer classifier for the data-parallel tests: a shard's loss is the mean
// cross-entropy of its rows.
type dpNet struct {
	w1, b1, w2 *Var
	x          *tensor.Tensor
	targets    []int
}

func newDPNet(rows int) *dpNet {
	rng := newRNG(41)
	n := &dpNet{w1: randVar(rng, -1, 1, 6, 16), b1: randVar(rng, -1, 1, 16), w2: randVar(rng, -1, 1, 16, 5)}
	n.x = tensor.RandNormal(rng, 0, 1, rows, 6)
	for range rows {
		n.targets = append(n.targets, rng.IntN(5))
	}
	return n
}

func (n *dpNet) params() []Param {
	return []Param{{"w1", n.w1}, {"b1", n.b1}, {"w2", n.w2}}
}

// loss is the mean cross-entropy of rows [lo, hi).
func (n *dpNet) loss(tp *Tape, lo, hi int) *Var {
	x := NewVar(tensor.FromSlice(n.x.Data()[lo*6:hi*6], hi-lo, 6), false)
	h := tp.Tanh(tp.Add(tp.MatMul(x, n.w1), n.b1))
	return tp.CrossEntropy(tp.MatMul(h, n.w2), n.targets[lo:hi])
}

func gradsOf(ps []Param) [][]float32 {
	var out [][]float32
	for _, p := range ps {
		out = append(out, p.Grad.Clone().Data())
	}
	return out
}

func TestDataParallelMatchesOneBackward(t *testing.T) {
	const rows = 23
	n := newDPNet(rows)
	ps := n.params()
	tp := NewTape()
	want := float64(n.loss(tp, 0, rows).Value.Item())
	tp.Backward(n.loss(tp, 0, rows))
	wantGrads := gradsOf(ps)
	for _, replicas := range []int{1, 2, 3, 5} {
		ZeroGrad(ps)
		dp := NewDataParallel(ps, replicas)
		got := dp.Backward(func(r int, tp *Tape) (*Var, float64) {
			lo, hi := r*rows/replicas, (r+1)*rows/replicas
			return n.loss(tp, lo, hi), float64(hi-lo) / rows
		})
		if math.Abs(got-want) > 1e-5 {
			t.Errorf("%d replicas: loss %v, want %v", replicas, got, want)
		}
		for j, g := range gradsOf(ps) {
			for i := range g {
				if d := math.Abs(float64(g[i] - wantGrads[j][i])); d > 1e-5 {
					t.Fatalf("%d replicas: %s[%d] = %v, want %v", replicas, ps[j].Name, i, g[i], wantGrads[j][i])
				}
			}
		}
		// A second call accumulates on top, as Backward does, and repeats the same numbers.
		first := gradsOf(ps)
		dp.Backward(func(r int, tp *Tape) (*Var, float64) {
			lo, hi := r*rows/replicas, (r+1)*rows/replicas
			return n.loss(tp, lo, hi), float64(hi-lo) / rows
		})
		for j, g := range gradsOf(ps) {
			for i := range g {
				if g[i] != 2*first[j][i] && math.Abs(float64(g[i]-2*first[j][i])) > 1e-6 {
					t.Fatalf("%d replicas, second call: %s[%d] = %v, want %v", replicas, ps[j].Name, i, g[i], 2*first[j][i])
				}
			}
		}
	}
}

func TestDataParallelIsDeterministic(t *testing.T) {
	const rows = 40
	n := newDPNet(rows)
	ps := n.params()
	var runs [2][][]float32
	for k := range runs {
		ZeroGrad(ps)
		dp := NewDataParallel(ps, 2)
		for range 3 {
			dp.Backward(func(r int, tp *Tape) (*Var, float64) {
				return n.loss(tp, r*rows/2, (r+1)*rows/2), 0.5
			})
		}
		runs[k] = gradsOf(ps)
	}
	for j := range runs[0] {
		for i := range runs[0][j] {
			if runs[0][j][i] != runs[1][j][i] {
				t.Fatalf("%s[%d]: %v then %v", ps[j].Name, i, runs[0][j][i], runs[1][j][i])
			}
		}
	}
}

func TestDataParallelZeroWeightSkipsShard(t *testing.T) {
	n := newDPNet(10)
	ps := n.params()
	tp := NewTape()
	tp.Backward(n.loss(tp, 0, 5))
	want := gradsOf(ps)
	ZeroGrad(ps)
	dp := NewDataParallel(ps, 2)
	got := dp.Backward(func(r int, tp *Tape) (*Var, float64) {
		if r == 1 {
			return n.loss(tp, 5, 10), 0
		}
		return n.loss(tp, 0, 5), 1
	})
	if l := float64(n.loss(nil, 0, 5).Value.Item()); math.Abs(got-l) > 1e-6 {
		t.Errorf("loss %v, want the first shard's %v", got, l)
	}
	for j, g := range gradsOf(ps) {
		for i := range g {
			if math.Abs(float64(g[i]-want[j][i])) > 1e-6 {
				t.Fatalf("%s[%d] = %v, want %v", ps[j].Name, i, g[i], want[j][i])
			}
		}
	}
}

func TestDataParallelRejectsForeignLeaf(t *testing.T) {
	n := newDPNet(8)
	extra := randVar(newRNG(3), -1, 1, 1)
	dp := NewDataParallel(n.params(), 2)
	defer func() {
		if msg, _ := recover().(string); !strings.Contains(msg, "not one of its parameters") {
			t.Fatalf("recovered %q, want the foreign-leaf panic", msg)
		}
	}()
	dp.Backward(func(r int, tp *Tape) (*Var, float64) {
		return tp.Mul(n.loss(tp, r*4, r*4+4), extra), 0.5
	})
}

// TestDataParallelAfterClearGrad checks that replicas started from cleared gradients give the
// gradients they give from zeroed ones.
func TestDataParallelAfterClearGrad(t *testing.T) {
	const rows = 19
	n := newDPNet(rows)
	ps := n.params()
	for _, replicas := range []int{1, 3} {
		dp := NewDataParallel(ps, replicas)
		shard := func(r int, tp *Tape) (*Var, float64) {
			lo, hi := r*rows/replicas, (r+1)*rows/replicas
			return n.loss(tp, lo, hi), float64(hi-lo) / rows
		}
		ZeroGrad(ps)
		dp.Backward(shard)
		want := gradsOf(ps)
		ClearGrad(ps)
		dp.Backward(shard)
		for j, g := range gradsOf(ps) {
			for i := range g {
				if g[i] != want[j][i] {
					t.Fatalf("%d replicas: %s[%d] = %v after ClearGrad, %v after ZeroGrad", replicas, ps[j].Name, i, g[i], want[j][i])
				}
			}
		}
	}
}
