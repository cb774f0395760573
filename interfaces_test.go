package tenet_test

import (
	"math/rand/v2"
	"testing"

	"github.com/tenet-ml/tenet"
)

// counter never terminates, so rollouts end by truncation.
type counter struct{ n int }

func (c *counter) Reset(*rand.Rand) int { c.n = 0; return 0 }
func (c *counter) Step(int) tenet.Step[int] {
	c.n++
	return tenet.Step[int]{Obs: c.n, Reward: 0.5}
}

func TestRolloutTruncatesAtMaxSteps(t *testing.T) {
	stay := tenet.PolicyFunc[int, int](func(int, *rand.Rand) int { return 0 })
	ep := tenet.Rollout[int, int](&counter{}, stay, 7, rand.New(rand.NewPCG(1, 1)))
	if len(ep) != 7 {
		t.Fatalf("len = %d, want 7", len(ep))
	}
	for i, s := range ep[:6] {
		if s.Done() || s.Obs != i+1 {
			t.Fatalf("step %d = %+v", i, s)
		}
	}
	if last := ep[6]; !last.Truncated || last.Terminated || last.Obs != 7 {
		t.Fatalf("last step = %+v, want truncated at 7", last)
	}
	if got := tenet.Rollout[int, int](&counter{}, stay, 0, nil); got != nil {
		t.Fatalf("maxSteps 0 gave %v", got)
	}
}

func TestAdapters(t *testing.T) {
	m := tenet.ModelFunc[float32, float32](func(x float32) float32 { return 2 * x })
	if m.Predict(3) != 6 {
		t.Fatal("ModelFunc")
	}
	v := tenet.VerifierFunc[int, int](func(p, s int) float32 {
		if p*p == s {
			return 1
		}
		return 0
	})
	if v.Verify(3, 9) != 1 || v.Verify(3, 8) != 0 {
		t.Fatal("VerifierFunc")
	}
}
