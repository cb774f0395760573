package tensor

import (
	"fmt"

	"github.com/tenet-ml/tenet/tensor/internal/kernel"
)

// Softmax returns softmax along the last axis of a: for every row x, e^(x−max x) / Σ e^(x−max x).
// Subtracting the row maximum keeps large values (1e4 and beyond) from overflowing; −Inf
// entries get probability 0. As in PyTorch, a row with no finite maximum (all −Inf, or holding
// +Inf or NaN) gives NaN throughout. It panics for a scalar.
func Softmax(a *Tensor) *Tensor { return rowsInto("Softmax", nil, a, kernel.SoftmaxRow) }

// SoftmaxInto writes Softmax(a) into dst, which must have a's shape (it may be a), and returns
// dst.
func SoftmaxInto(dst, a *Tensor) *Tensor {
	mustDst("SoftmaxInto", dst)
	return rowsInto("SoftmaxInto", dst, a, kernel.SoftmaxRow)
}

// LogSoftmax returns log softmax along the last axis of a, x − max x − log Σ e^(x−max x) for
// every row x, computed without forming the softmax. −Inf entries give −Inf; a row with no
// finite maximum gives NaN, as Softmax. It panics for a scalar.
func LogSoftmax(a *Tensor) *Tensor { return rowsInto("LogSoftmax", nil, a, kernel.LogSoftmaxRow) }

// LogSoftmaxInto writes LogSoftmax(a) into dst, which must have a's shape (it may be a), and
// returns dst.
func LogSoftmaxInto(dst, a *Tensor) *Tensor {
	mustDst("LogSoftmaxInto", dst)
	return rowsInto("LogSoftmaxInto", dst, a, kernel.LogSoftmaxRow)
}

// rowsInto applies a row kernel to every row along the last axis of a, in parallel when the
// tensor is large.
func rowsInto(op string, dst, a *Tensor, row func(dst, x []float32)) *Tensor {
	if a.Rank() == 0 {
		panic(fmt.Sprintf("tensor: %s: shape %v has no last axis", op, a.shape))
	}
	if dst == nil {
		dst = New(a.shape...)
	} else {
		mustSameShape(op, dst, a)
	}
	n := a.shape[len(a.shape)-1]
	if n == 0 || len(a.data) == 0 {
		return dst
	}
	rows := len(a.data) / n
	if rows > 1 && len(a.data) >= parallelGrain/2 {
		kernel.Parallel(rows, max(1, parallelGrain/(4*n)), func(lo, hi int) { applyRows(dst.data, a.data, n, lo, hi, row) })
	} else {
		applyRows(dst.data, a.data, n, 0, rows, row)
	}
	return dst
}

// applyRows applies row to rows [lo, hi) of length n.
func applyRows(dst, x []float32, n, lo, hi int, row func(dst, x []float32)) {
	for r := lo; r < hi; r++ {
		row(dst[r*n:(r+1)*n], x[r*n:(r+1)*n])
	}
}

// SoftmaxRow sets dst = softmax(x) for one row held in a slice and returns the row's
// log-sum-exp, log Σ e^x, with the sum of the exponentials accumulated in float64; dst must be
// at least as long as x and may be x. −Inf entries get probability 0; a row with no finite
// maximum gives NaN. It serves fused operations (cross-entropy, attention) that work on rows
// of their own buffers.
func SoftmaxRow(dst, x []float32) (logSumExp float64) { return kernel.SoftmaxRowLSE(dst, x) }

// SoftmaxBackwardRow turns dp, the gradient with respect to a row of probabilities
// p = softmax(s), into the gradient with respect to s, times scale, in place:
//
//	dp[j] = p[j]·(dp[j] − Σ_i p[i]·dp[i])·scale
//
// over len(p) elements (dp at least as long). The sum is accumulated in float32.
func SoftmaxBackwardRow(dp, p []float32, scale float32) { kernel.SoftmaxGrad(dp, p, scale) }
