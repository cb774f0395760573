package tenet_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/tenet-ml/tenet"
)

// corridor is a tiny environment: the agent starts at cell 0 of a corridor and is rewarded on
// reaching the last cell.
type corridor struct{ pos, length int }

func (c *corridor) Reset(rng *rand.Rand) int { c.pos = 0; return c.pos }

func (c *corridor) Step(move int) tenet.Step[int] {
	c.pos = max(0, c.pos+move)
	if c.pos == c.length-1 {
		return tenet.Step[int]{Obs: c.pos, Reward: 1, Terminated: true}
	}
	return tenet.Step[int]{Obs: c.pos}
}

// Compose an environment and a policy into an episode.
func Example() {
	env := &corridor{length: 4}
	// Walk right three times in four.
	policy := tenet.PolicyFunc[int, int](func(obs int, rng *rand.Rand) int {
		if rng.IntN(4) == 0 {
			return -1
		}
		return 1
	})
	rng := rand.New(rand.NewPCG(1, 2))
	episode := tenet.Rollout[int, int](env, policy, 100, rng)
	last := episode[len(episode)-1]
	fmt.Println("reached the goal:", last.Terminated, "reward:", last.Reward)

	// A verifier: does the episode end at the goal?
	reachedGoal := tenet.VerifierFunc[int, []tenet.Step[int]](func(length int, ep []tenet.Step[int]) float32 {
		if ep[len(ep)-1].Obs == length-1 {
			return 1
		}
		return 0
	})
	fmt.Println("verified:", reachedGoal.Verify(env.length, episode))
	// Output:
	// reached the goal: true reward: 1
	// verified: 1
}
