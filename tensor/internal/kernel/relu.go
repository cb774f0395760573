package kernel

// Rectifier kernels. The backward pass is a mask on the sign of the input; written as a branch
// it mispredicts on about half of the elements of a typical layer (whose inputs are centred on
// zero), which made it cost more than the matrix products around it. The vector paths compare
// and mask instead.

var (
	reluImpl        = [numPaths]func(dst, x []float32){Generic: reluGeneric}
	reluGradImpl    = [numPaths]func(dst, x, dy []float32){Generic: reluGradGeneric}
	reluGradAddImpl = [numPaths]func(dst, x, dy []float32){Generic: reluGradAddGeneric}
)

// ReLU computes dst[i] = max(x[i], 0) over len(x) elements with Go's max: NaN stays NaN and
// −0 becomes +0. dst may be x.
func ReLU(dst, x []float32) { binary(reluBinary, dst, x, x) }

// reluBinary is ReLU in the shape of a binary kernel (the second operand unused), so that it
// splits over goroutines from the size of the other cheap elementwise kernels.
func reluBinary(dst, x, _ []float32) { reluImpl[active](dst, x) }

// ReLUGrad sets dst[i] = dy[i] where x[i] > 0 and 0 elsewhere (NaN included), over len(x)
// elements: the gradient of ReLU at x. dst may alias x or dy.
func ReLUGrad(dst, x, dy []float32) { binary(reluGradImpl[active], dst, x, dy) }

// ReLUGradAdd adds the gradient of ReLU at x to dst: dst[i] += dy[i] where x[i] > 0.
func ReLUGradAdd(dst, x, dy []float32) { binary(reluGradAddImpl[active], dst, x, dy) }

func reluGeneric(dst, x []float32) {
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = max(v, 0)
	}
}

func reluGradGeneric(dst, x, dy []float32) {
	dst, dy = dst[:len(x)], dy[:len(x)]
	for i, v := range x {
		d := dy[i]
		if !(v > 0) {
			d = 0
		}
		dst[i] = d
	}
}

func reluGradAddGeneric(dst, x, dy []float32) {
	dst, dy = dst[:len(x)], dy[:len(x)]
	for i, v := range x {
		if v > 0 {
			dst[i] += dy[i]
		}
	}
}
