package distill

import (
	"time"

	"github.com/tenet-ml/tenet/lm"
)

// TimeVerification times the two ways a target produces the tokens of block after the
// sequence st holds: batched, one Append of the whole block, as speculative decoding verifies
// γ = len(block)−1 proposals and takes a bonus token; singles, one Append per token, as plain
// decoding produces them. st is rolled back to its length before each measurement and at the
// end. The ratio batched/singles is what a verification costs relative to plain decoding.
func TimeVerification(st lm.State, block []int) (batched, singles time.Duration) {
	n := st.Len()
	t0 := time.Now()
	st.Append(block)
	t1 := time.Now()
	st.Truncate(n)
	for _, tok := range block {
		st.Append([]int{tok})
	}
	t2 := time.Now()
	st.Truncate(n)
	return t1.Sub(t0), t2.Sub(t1)
}
