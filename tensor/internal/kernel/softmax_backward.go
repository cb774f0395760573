package kernel

// The backward pass of a softmax row, as attention needs it.

var softmaxGradImpl = [numPaths]func(dp, p []float32, scale float32){
	softmaxGradGeneric, softmaxGradGeneric, softmaxGradGeneric,
}

// SoftmaxGrad turns dp, the gradient with respect to a row of probabilities p = softmax(s),
// into the gradient with respect to the scores s, times scale, in place:
//
//	dp[j] = p[j]·(dp[j] − Σ_i p[i]·dp[i])·scale
//
// over len(p) elements (dp at least as long). The sum is accumulated in float32 (in vector
// lanes on the vector paths, so its rounding differs between paths).
func SoftmaxGrad(dp, p []float32, scale float32) { softmaxGradImpl[active](dp, p, scale) }

func softmaxGradGeneric(dp, p []float32, scale float32) {
	dp = dp[:len(p)]
	var dot float32
	for j, pj := range p {
		dot += pj * dp[j]
	}
	for j, pj := range p {
		dp[j] = pj * (dp[j] - dot) * scale
	}
}
