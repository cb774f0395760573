package tenet

import "math/rand/v2"

// Environment is an episodic sequential decision problem with Gymnasium semantics: Reset starts
// an episode and returns the first observation, Step applies an action and reports what
// followed. O is the observation type and A the action type.
//
// An Environment is used by one goroutine at a time unless its documentation says otherwise.
type Environment[O, A any] interface {
	// Reset starts a new episode, drawing any randomness from rng, and returns the first
	// observation.
	Reset(rng *rand.Rand) O
	// Step applies action a and returns the next observation, the reward and whether the
	// episode ended.
	Step(a A) Step[O]
}

// Step is the outcome of one environment transition.
type Step[O any] struct {
	// Obs is the observation after the transition.
	Obs O
	// Reward is the reward received for the transition.
	Reward float32
	// Terminated reports that a terminal state was reached: value estimates must not
	// bootstrap from Obs.
	Terminated bool
	// Truncated reports that the episode was cut short (a time limit or similar): the state is
	// not terminal and value estimates should bootstrap from Obs.
	Truncated bool
}

// Done reports whether the episode is over, whether by termination or truncation.
func (s Step[O]) Done() bool { return s.Terminated || s.Truncated }

// Policy chooses actions from observations.
type Policy[O, A any] interface {
	// Act returns the action to take after observing obs, drawing any randomness from rng.
	Act(obs O, rng *rand.Rand) A
}

// PolicyFunc adapts an ordinary function to the Policy interface.
type PolicyFunc[O, A any] func(obs O, rng *rand.Rand) A

// Act calls f(obs, rng).
func (f PolicyFunc[O, A]) Act(obs O, rng *rand.Rand) A { return f(obs, rng) }

// Verifier gives feedback on a proposed solution to a problem: 1 for correct and 0 for wrong
// in the binary case, or a scalar score.
type Verifier[P, S any] interface {
	// Verify scores solution as an answer to problem.
	Verify(problem P, solution S) float32
}

// VerifierFunc adapts an ordinary function to the Verifier interface.
type VerifierFunc[P, S any] func(problem P, solution S) float32

// Verify calls f(problem, solution).
func (f VerifierFunc[P, S]) Verify(problem P, solution S) float32 { return f(problem, solution) }

// Model predicts Y from X. It may be a trained network or the exact process the network
// imitates: code written against Model takes either.
type Model[X, Y any] interface {
	// Predict returns the model's prediction for x.
	Predict(x X) Y
}

// ModelFunc adapts an ordinary function to the Model interface.
type ModelFunc[X, Y any] func(x X) Y

// Predict calls f(x).
func (f ModelFunc[X, Y]) Predict(x X) Y { return f(x) }

// Rollout runs policy in env for at most maxSteps steps from a fresh episode and returns the
// transitions it saw, the last of which is Terminated or Truncated unless maxSteps ran out
// first (then the last step is marked Truncated). It draws the reset and the actions from rng.
func Rollout[O, A any](env Environment[O, A], policy Policy[O, A], maxSteps int, rng *rand.Rand) []Step[O] {
	if maxSteps <= 0 {
		return nil
	}
	obs := env.Reset(rng)
	steps := make([]Step[O], 0, min(maxSteps, 1024))
	for len(steps) < maxSteps {
		s := env.Step(policy.Act(obs, rng))
		steps = append(steps, s)
		if s.Done() {
			return steps
		}
		obs = s.Obs
	}
	steps[len(steps)-1].Truncated = true
	return steps
}
