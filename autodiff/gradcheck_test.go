package autodiff

import (
	"strings"
	"testing"
)

// TestGradCheckCatchesWrongGradient breaks one backward pass and expects GradCheck to notice.
func TestGradCheckCatchesWrongGradient(t *testing.T) {
	saved := backwardFns[opUnary]
	defer func() { backwardFns[opUnary] = saved }()
	backwardFns[opUnary] = func(tp *Tape, r *record) {
		saved(tp, r)
		g := tp.grad(r.a)
		g[0] += 0.1
	}
	x := randVar(newRNG(1), -1, 1, 3)
	err := GradCheck(func(tp *Tape) *Var { return tp.Tanh(x) }, []*Var{x}, nil)
	if err == nil || !strings.Contains(err.Error(), "element 0") {
		t.Fatalf("GradCheck missed a wrong gradient: %v", err)
	}
}
